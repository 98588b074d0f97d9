import type { QuotaKind } from '../db/schema.js'

/**
 * Why a post waits (`posts.wait_reason`, shown as the Post's `waitingFor`), and why a history
 * row was written without a status change (`post_status_history.reason`). Each code has a
 * sentence for the CRM user; the retry time is shown beside it.
 */
export type WaitReason =
  | 'init_rate_limit'
  | 'creator_info_rate_limit'
  | 'status_rate_limit'
  | 'tiktok_rate_limited'
  | 'temporarily_unavailable'
  | 'init_outcome_unknown_retry'
  | 'inbox_draft_cap'
  | 'daily_post_cap'
  | 'instagram_publishing_limit'
  | 'instagram_rate_limited'
  | 'container_outcome_unknown_retry'

/** History notes (no status change) besides the wait reasons. */
export type HistoryNote =
  | 'init_outcome_unknown_retry'
  | 'upload_url_expired'
  | 'upload_url_unreadable'
  | 'upload_not_accepted'
  | 'container_outcome_unknown_retry'
  | 'instagram_media_id_unknown'
  | 'instagram_media_id_found'

const MESSAGES: Record<WaitReason | HistoryNote, string> = {
  init_rate_limit:
    'TikTok allows 6 new uploads per minute for this account. The post is queued and starts automatically at the retry time.',
  creator_info_rate_limit:
    'TikTok allows 20 account checks per minute for this account. The post continues automatically at the retry time.',
  status_rate_limit:
    'TikTok allows 30 status checks per minute for this account. The next check happens automatically at the retry time.',
  inbox_draft_cap:
    'TikTok allows 5 inbox drafts in 24 hours for this account. The scheduled post starts automatically when one frees, at the retry time.',
  daily_post_cap:
    'This TikTok account has reached its daily limit of about 15 direct posts. The post starts automatically at the retry time.',
  tiktok_rate_limited:
    'TikTok asked to slow down for this account. The post continues automatically at the retry time.',
  temporarily_unavailable:
    'TikTok or the account service did not answer. The post is retried automatically at the retry time.',
  init_outcome_unknown_retry:
    'TikTok did not confirm the start of the upload. No video bytes were sent to that attempt, so it cannot be posted twice; the upload starts again at the retry time.',
  upload_url_expired:
    'TikTok’s upload link expired (it is valid for one hour) before the whole video was sent; the upload started again with a new link.',
  upload_url_unreadable:
    'The stored TikTok upload link could not be read back (after a service update or a key change); the upload started again with a new link.',
  upload_not_accepted:
    'TikTok no longer accepted video bytes for this upload; its status is being checked with TikTok instead of uploading again.',
  instagram_publishing_limit:
    'This Instagram account has reached Instagram’s limit of Reels published through apps in 24 hours. The limit is read again at the retry time and the Reel is published as soon as there is room.',
  instagram_rate_limited:
    'Instagram asked to slow down for this account. The post continues automatically at the retry time.',
  container_outcome_unknown_retry:
    'Instagram did not confirm the upload of the video. An unconfirmed upload is never published (it expires after 24 hours), so the upload starts again at the retry time.',
  instagram_media_id_unknown:
    'Instagram published the Reel, but its media id was not received (the service stopped in between) and could not be told apart among the account’s media; the Reel was not published again.',
  instagram_media_id_found:
    'Instagram published the Reel while the service stopped before recording it; it was not published again, and its media id was found among the account’s media.',
}

/** Sentences of the shared codes as they read for an Instagram post. */
const INSTAGRAM_MESSAGES: Partial<Record<WaitReason | HistoryNote, string>> = {
  temporarily_unavailable:
    'Instagram or the account service did not answer. The post is retried automatically at the retry time.',
}

/** The CRM-facing sentence of a wait reason or history note of a post on `provider`; null for unknown codes. */
export function waitMessage(reason: string, provider = 'tiktok'): string | null {
  const key = reason as WaitReason | HistoryNote
  return (provider === 'instagram' ? INSTAGRAM_MESSAGES[key] : undefined) ?? MESSAGES[key] ?? null
}

/** The wait reason of a per-token limit counted in PostgreSQL (`repositories/quota.ts`). */
export function limitWaitReason(kind: QuotaKind): WaitReason {
  if (kind === 'creator_info') return 'creator_info_rate_limit'
  if (kind === 'status') return 'status_rate_limit'
  if (kind === 'inbox_share') return 'inbox_draft_cap'
  if (kind === 'direct_post') return 'daily_post_cap'
  return 'init_rate_limit'
}
