import type { DisplayApi, UserInfo, Video, VideoField } from '@social-bridge/tiktok-client'
import type { TrackedConnection } from '../../../repositories/db-types.js'
import type { TrackedVideo, VideosRepository } from '../../../repositories/videos-repository.js'
import { RateBudgetExhaustedError } from '../../rate-budget.js'
import { selectBatches } from './select-videos.js'
import { TikTokRateLimitedError, type TokenSession } from './token-session.js'

/** Video query fields: identity, post time and the four counts (docs/tiktok-api.md §2.5). */
const QUERY_FIELDS: readonly VideoField[] = [
  'id',
  'create_time',
  'title',
  'share_url',
  'view_count',
  'like_count',
  'comment_count',
  'share_count',
]
/** `user.info.stats` fields (docs/tiktok-api.md §2.2). */
const STATS_FIELDS = ['follower_count', 'following_count', 'likes_count', 'video_count'] as const

/** What TikTok returned in one sync: the videos queried, the Video Objects, the account stats. */
export interface TikTokMeasurement {
  queried: TrackedVideo[]
  returned: Video[]
  user: UserInfo | null
  /** The rate limit (ours or TikTok's 429) that cut the measurement short; null = complete. */
  stoppedBy: Error | null
}

/**
 * Queries the account's due videos (every tracked one on a full sync) with video query in
 * batches of ≤ 20 ids (docs/tiktok-api.md §2.4), then its stats with user info (§2.2) when the
 * `user.info.stats` scope was granted. A rate limit stops it and keeps what was measured.
 * @throws anything else `session.call` throws (TikTokError, AuthClientError, SyncLeaseLostError).
 */
export async function measure(
  deps: { display: DisplayApi; videos: VideosRepository },
  conn: TrackedConnection,
  session: TokenSession,
  now: Date,
): Promise<TikTokMeasurement> {
  const tracked = await deps.videos.trackedVideos(conn.id)
  const batches = selectBatches(tracked, now, conn.fullSyncRequested)
  const m: TikTokMeasurement = { queried: [], returned: [], user: null, stoppedBy: null }
  try {
    // slots for every batch at once, in chunks so a large account never holds the whole window
    for (let i = 0; i < batches.length; i += 10) {
      await session.prepay('video.query', Math.min(10, batches.length - i))
      for (const batch of batches.slice(i, i + 10)) {
        const ids = batch.map((v) => v.videoId)
        m.returned.push(
          ...(await session.call('video.query', (t) => deps.display.queryVideos(t, ids, QUERY_FIELDS))),
        )
        m.queried.push(...batch)
      }
    }
    if (conn.scopes.includes('user.info.stats')) {
      m.user = await session.call('user.info', (t) => deps.display.getUserInfo(t, STATS_FIELDS))
    }
  } catch (err) {
    if (!(err instanceof TikTokRateLimitedError || err instanceof RateBudgetExhaustedError)) throw err
    m.stoppedBy = err
  }
  return m
}
