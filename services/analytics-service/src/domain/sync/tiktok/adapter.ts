import type { AuthClient } from '@social-bridge/auth-client'
import type { DisplayApi, UserInfo, Video } from '@social-bridge/tiktok-client'
import type { Sql } from 'postgres'
import type { SyncLeases } from '../../../repositories/sync-leases.js'
import type { VideosRepository } from '../../../repositories/videos-repository.js'
import { type BudgetEndpoint, type RateBudget, RateBudgetExhaustedError } from '../../rate-budget.js'
import type { MeasuredAccount, MeasuredVideo, SyncAdapter } from '../adapter.js'
import { importVideos } from './import-videos.js'
import { measure } from './measure.js'
import { type CallOutcome, openTokenSession, TikTokRateLimitedError } from './token-session.js'

/** Dependencies of {@link createTikTokSyncAdapter}; durations in ms. */
export interface TikTokSyncDeps {
  sql: Sql
  display: DisplayApi
  authClient: AuthClient
  budget: RateBudget
  leases: SyncLeases
  videos: VideosRepository
  /** The app clock. */
  clock: () => Date
  videoRelistIntervalMs: number
  rateLimitBackoffMs: number
  onCall?: (endpoint: BudgetEndpoint, outcome: CallOutcome) => void
}

const count = (n: number | undefined) => n ?? 0

/** A TikTok Video Object (docs/tiktok-api.md §2.5) as a provider-neutral measurement. */
function measuredVideo(v: Video & { id: string }): MeasuredVideo {
  return {
    videoId: v.id,
    createdAt: v.createTime === undefined ? undefined : new Date(v.createTime * 1000),
    title: v.title ?? null,
    shareUrl: v.shareUrl ?? null,
    views: count(v.viewCount),
    likes: count(v.likeCount),
    comments: count(v.commentCount),
    shares: count(v.shareCount),
  }
}

/** `user.info.stats` (docs/tiktok-api.md §2.2) as a provider-neutral measurement. */
function measuredAccount(u: UserInfo): MeasuredAccount {
  return {
    followers: count(u.followerCount),
    following: count(u.followingCount),
    likes: count(u.likesCount),
    videoCount: count(u.videoCount),
  }
}

/**
 * TikTok's sync (docs/tiktok-api.md §2.2–2.4, §5): get an access token; import videos with video
 * list when never imported, last listed `videoRelistIntervalMs` ago, or an import was interrupted
 * (it resumes at the saved cursor); query the due videos in batches of ≤ 20; read user info stats
 * once. Every call takes a slot of the shared budget (`rate-budget.ts`); a 429 pauses the endpoint
 * and stops the measurement, which is retried `rateLimitBackoffMs` later.
 */
export function createTikTokSyncAdapter(deps: TikTokSyncDeps): SyncAdapter {
  return {
    provider: 'tiktok',

    async measure(conn, { startedAt, signal }) {
      const session = await openTokenSession({
        ...deps,
        connectionId: conn.id,
        tenantId: conn.tenantId,
        signal,
      })
      let listedAt: Date | undefined
      const relistDue =
        !conn.videosListedAt ||
        startedAt.getTime() - conn.videosListedAt.getTime() >= deps.videoRelistIntervalMs
      if (relistDue || conn.videosListCursor !== null) {
        const imported = await importVideos({
          q: deps.sql,
          display: deps.display,
          session,
          videos: deps.videos,
          owner: { connectionId: conn.id, tenantId: conn.tenantId, provider: conn.provider },
          now: startedAt,
          untilKnown: conn.videosListedAt !== null,
          startCursor: conn.videosListCursor,
          saveCursor: (cursor) => deps.leases.saveListCursor(deps.sql, conn.id, conn.leaseToken, cursor),
        })
        if (imported.complete) listedAt = startedAt
      }
      const measuredAt = deps.clock()
      const m = await measure(deps, conn, session, measuredAt)
      return {
        queried: m.queried,
        returned: m.returned.filter((v): v is Video & { id: string } => Boolean(v.id)).map(measuredVideo),
        account: m.user ? measuredAccount(m.user) : null,
        stoppedBy: m.stoppedBy && {
          error: m.stoppedBy,
          retryAt: new Date(measuredAt.getTime() + deps.rateLimitBackoffMs),
        },
        measuredAt,
        listedAt,
        apiCalls: session.calls['video.query'] + session.calls['user.info'],
        listCalls: session.calls['video.list'],
      }
    },

    rateLimitDelayMs(err) {
      const limited = err instanceof TikTokRateLimitedError || err instanceof RateBudgetExhaustedError
      return limited ? deps.rateLimitBackoffMs : null
    },
  }
}
