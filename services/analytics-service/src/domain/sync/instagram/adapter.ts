import type { AuthClient } from '@social-bridge/auth-client'
import { type InsightsApi, InstagramGraphError, type MediaInsights } from '@social-bridge/instagram-client'
import type { VideosRepository } from '../../../repositories/videos-repository.js'
import { type UsageGate, UsageGateClosedError } from '../../usage-gate.js'
import type { MeasuredAccount, MeasuredVideo, Measurement, RateLimitStop, SyncAdapter } from '../adapter.js'
import { type InstagramCallOutcome, InstagramThrottledError, openInstagramSession } from './session.js'

/** Dependencies of {@link createInstagramSyncAdapter}; durations in ms. */
export interface InstagramSyncDeps {
  insights: InsightsApi
  authClient: AuthClient
  gate: UsageGate
  videos: VideosRepository
  /** The app clock. */
  clock: () => Date
  throttleBackoffMs: number
  onCall?: (outcome: InstagramCallOutcome) => void
}

/**
 * Graph codes for which one media is skipped (no snapshot this time, it follows the cadence):
 * 100 (deleted or unknown media) and 10 (too few viewers, or the insights permission is missing).
 */
const SKIP_MEDIA_CODES = new Set([10, 100])

/** A Reel's insights as a measurement; null when Meta has no data for it yet (docs "Insights": an empty set). */
function measuredReel(mediaId: string, i: MediaInsights): MeasuredVideo | null {
  if (Object.keys(i).length === 0) return null
  return {
    videoId: mediaId,
    views: i.views ?? 0,
    likes: i.likes ?? 0,
    comments: i.comments ?? 0,
    shares: i.shares ?? 0,
    reach: i.reach ?? null,
    saved: i.saved ?? null,
  }
}

const stopOf = (err: unknown): RateLimitStop | null =>
  err instanceof UsageGateClosedError || err instanceof InstagramThrottledError
    ? { error: err, retryAt: err.retryAt }
    : null

/**
 * Instagram's sync (docs/instagram-api.md "Insights", "Rate limits"): the account's Reels published
 * through Social Bridge (tracked from `social.post.published`; nothing is listed) are measured one
 * `GET /{ig-media-id}/insights` call each when due (all of them on a full sync), then the account:
 * followers from `GET /me`, reach of the last day from its insights. Every call passes the usage
 * gate first and records the usage headers after; a closed gate or a throttled call stops the
 * measurement with what it has, and the account is retried when the gate reopens.
 */
export function createInstagramSyncAdapter(deps: InstagramSyncDeps): SyncAdapter {
  return {
    provider: 'instagram',

    async measure(conn, { startedAt, signal }) {
      const igUserId = conn.openId ?? ''
      const session = await openInstagramSession({
        ...deps,
        connectionId: conn.id,
        tenantId: conn.tenantId,
        igUserId,
        signal,
      })
      const tracked = await deps.videos.trackedVideos(conn.id)
      const due = conn.fullSyncRequested
        ? tracked
        : tracked.filter((v) => v.nextSyncAt.getTime() <= startedAt.getTime())
      const m: Measurement = {
        queried: [],
        returned: [],
        account: null,
        stoppedBy: null,
        measuredAt: deps.clock(),
        apiCalls: 0,
        listCalls: 0,
      }
      try {
        for (const media of due) {
          try {
            const insights = await session.call((t) => deps.insights.mediaInsights(t, media.videoId))
            const reel = measuredReel(media.videoId, insights)
            if (reel) m.returned.push(reel)
          } catch (err) {
            const skip = err instanceof InstagramGraphError && SKIP_MEDIA_CODES.has(err.code ?? -1)
            if (!skip) throw err
          }
          m.queried.push(media)
        }
        const profile = await session.call((t) => deps.insights.accountProfile(t))
        const account: MeasuredAccount = {
          followers: profile.followersCount,
          following: profile.followsCount,
          likes: 0,
          videoCount: profile.mediaCount,
          reach: null,
        }
        m.account = account
        try {
          account.reach = (await session.call((t) => deps.insights.accountReach(t, profile.igUserId))) ?? null
        } catch (err) {
          if (!(err instanceof InstagramGraphError && SKIP_MEDIA_CODES.has(err.code ?? -1))) throw err
        }
      } catch (err) {
        m.stoppedBy = stopOf(err)
        if (!m.stoppedBy) throw err
      }
      m.apiCalls = session.calls
      return m
    },

    rateLimitDelayMs(err) {
      const stop = stopOf(err)
      return stop ? Math.max(0, stop.retryAt.getTime() - deps.clock().getTime()) : null
    },
  }
}
