import type { QuotaKind } from '../db/schema.js'

/** TikTok's per-token limits (docs/tiktok-api.md §5, §3.1, §3.3; `direct_post`: the creator's ~15 direct posts a day, §3.10): calls per window, window in seconds. */
export const QUOTA_LIMITS: Record<QuotaKind, { limit: number; windowSec: number }> = {
  init: { limit: 6, windowSec: 60 },
  creator_info: { limit: 20, windowSec: 60 },
  status: { limit: 30, windowSec: 60 },
  inbox_share: { limit: 5, windowSec: 86_400 },
  direct_post: { limit: 15, windowSec: 86_400 },
}
