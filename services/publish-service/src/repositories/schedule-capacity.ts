import type { ScheduleCapacity, ScheduleCapCheck } from '@social-bridge/contracts'
import type { Database } from '@social-bridge/service-kit'
import { sql } from 'drizzle-orm'
import { posts } from '../db/schema.js'
import { QUOTA_LIMITS } from '../domain/quota-limits.js'

/** The post whose time is checked: its account, its mode and, when it exists already, its id (not counted). */
export interface CapacityQuery {
  connectionId: string
  mode: 'direct' | 'inbox'
  at: Date
  postId?: string
}

/**
 * Whether TikTok's caps leave room for one more post of `connectionId` at `at`, given the posts
 * already planned (docs/tiktok-api.md §3.10, §5). A post's time is its `scheduled_at`, else its
 * creation; failed and cancelled posts do not count. Each cap is checked over the windows that
 * contain `at` (the window ending at `at` and the one starting there), so the answer holds
 * whatever order the posts run in:
 * - `init_per_minute`: 6 inits per minute per access token (every post needs one);
 * - `direct_posts_per_day` (direct posts): about 15 a day per creator (`QUOTA_LIMITS.direct_post`);
 * - `inbox_drafts_per_24h` (inbox drafts): 5 pending drafts in 24 h.
 */
export async function forecastCapacity(db: Database, q: CapacityQuery): Promise<ScheduleCapacity> {
  const at = q.at.toISOString()
  const count = async (windowSec: number, mode?: 'direct' | 'inbox'): Promise<number> => {
    const rows = await db.execute<{ before: number; after: number }>(sql`
      with planned as (
        select coalesce(${posts.scheduledAt}, ${posts.createdAt}) as t from ${posts}
         where ${posts.connectionId} = ${q.connectionId}
           and ${posts.status} not in ('failed', 'cancelled')
           ${mode ? sql`and ${posts.mode} = ${mode}` : sql``}
           ${q.postId ? sql`and ${posts.id} <> ${q.postId}` : sql``})
      select count(*) filter (where t > ${at}::timestamptz - make_interval(secs => ${windowSec}) and t <= ${at}::timestamptz)::int as before,
             count(*) filter (where t >= ${at}::timestamptz and t < ${at}::timestamptz + make_interval(secs => ${windowSec}))::int as after
        from planned`)
    const row = (rows as unknown as { before: number; after: number }[])[0]
    return Math.max(row?.before ?? 0, row?.after ?? 0)
  }
  const check = async (
    limit: ScheduleCapCheck['limit'],
    quota: { limit: number; windowSec: number },
    mode?: 'direct' | 'inbox',
  ): Promise<ScheduleCapCheck> => {
    const planned = await count(quota.windowSec, mode)
    return { limit, max: quota.limit, planned, fits: planned < quota.limit }
  }
  const checks = [
    await check('init_per_minute', QUOTA_LIMITS.init),
    q.mode === 'direct'
      ? await check('direct_posts_per_day', QUOTA_LIMITS.direct_post, 'direct')
      : await check('inbox_drafts_per_24h', QUOTA_LIMITS.inbox_share, 'inbox'),
  ]
  return { at: q.at.toISOString(), fits: checks.every((c) => c.fits), checks }
}
