import { type Static, Type } from 'typebox'
import { IsoDateTime, Nullable, Uuid } from '../common.js'

/** A video's engagement counts (docs/tiktok-api.md §2.5 `view_count`, `like_count`, `comment_count`, `share_count`). */
const videoCounts = {
  views: Type.Integer(),
  likes: Type.Integer(),
  comments: Type.Integer(),
  shares: Type.Integer(),
}

/**
 * Instagram Reel insights beyond the four counts (docs/instagram-api.md "Insights"): `reach` and
 * `saved`; null for TikTok videos (and for a post or account mixing in none).
 */
const reelInsights = {
  reach: Type.Optional(Nullable(Type.Integer())),
  saved: Type.Optional(Nullable(Type.Integer())),
}

/** One measurement of a video's (or Instagram Reel's) engagement. */
export const VideoMetricsSnapshot = Type.Object({ measuredAt: IsoDateTime, ...videoCounts, ...reelInsights })
export type VideoMetricsSnapshot = Static<typeof VideoMetricsSnapshot>

/** Growth of a video's (or several videos') counts between the first and last snapshot of the range. */
export const VideoMetricsDelta = Type.Object(videoCounts)
export type VideoMetricsDelta = Static<typeof VideoMetricsDelta>

/** The range a history and its deltas cover (ISO 8601, as applied after defaults). */
export const AppliedRange = Type.Object({ from: IsoDateTime, to: IsoDateTime })
export type AppliedRange = Static<typeof AppliedRange>

/**
 * `GET /v1/analytics/posts/:id`: latest figures, engagement rate ((likes+comments+shares)/views),
 * the history over `range` and the growth within it.
 */
export const PostAnalytics = Type.Object({
  postId: Uuid,
  latest: Nullable(VideoMetricsSnapshot),
  engagementRate: Nullable(Type.Number()),
  history: Type.Array(VideoMetricsSnapshot),
  stale: Type.Boolean(),
  range: AppliedRange,
  delta: VideoMetricsDelta,
})
export type PostAnalytics = Static<typeof PostAnalytics>

/** An account's stats (docs/tiktok-api.md §2.2, `user.info.stats`). */
const accountStats = {
  followers: Type.Integer(),
  following: Type.Integer(),
  likes: Type.Integer(),
  videoCount: Type.Integer(),
}

/**
 * One measurement of an account's stats. Instagram: `followers`, `following` (follows),
 * `videoCount` (media count), `likes` 0 (Instagram has no account like count) and `reach`, the
 * accounts reached in the day before `measuredAt`; `reach` is null for TikTok.
 */
export const AccountStatsSnapshot = Type.Object({
  measuredAt: IsoDateTime,
  ...accountStats,
  reach: Type.Optional(Nullable(Type.Integer())),
})
export type AccountStatsSnapshot = Static<typeof AccountStatsSnapshot>

/** Growth of an account's stats between the first and last snapshot of the range. */
export const AccountStatsDelta = Type.Object(accountStats)
export type AccountStatsDelta = Static<typeof AccountStatsDelta>

/** `GET /v1/analytics/connections/:id`: stats, their history and growth over `range`, totals over the account's videos. */
export const ConnectionAnalytics = Type.Object({
  connectionId: Uuid,
  latest: Nullable(AccountStatsSnapshot),
  history: Type.Array(AccountStatsSnapshot),
  totals: Type.Object({ videos: Type.Integer(), ...videoCounts }),
  stale: Type.Boolean(),
  range: AppliedRange,
  delta: AccountStatsDelta,
  engagementRate: Nullable(Type.Number()),
  lastSyncedAt: Nullable(IsoDateTime),
})
export type ConnectionAnalytics = Static<typeof ConnectionAnalytics>

export const AnalyticsRangeQuery = Type.Object({
  from: Type.Optional(IsoDateTime),
  to: Type.Optional(IsoDateTime),
})
export type AnalyticsRangeQuery = Static<typeof AnalyticsRangeQuery>

/** `POST /v1/analytics/connections/:id/sync` 202 answer. */
export const SyncAccepted = Type.Object({ connectionId: Uuid, queuedAt: IsoDateTime })
export type SyncAccepted = Static<typeof SyncAccepted>

/** `GET /v1/analytics/summary`: the caller's tenant across all its accounts. */
export const TenantAnalyticsSummary = Type.Object({
  range: AppliedRange,
  connections: Type.Object({ total: Type.Integer(), active: Type.Integer(), stale: Type.Integer() }),
  /** Latest stats summed over the tenant's accounts. */
  followers: Type.Integer(),
  /** Latest counts summed over every tracked video. */
  totals: Type.Object({ videos: Type.Integer(), ...videoCounts }),
  engagementRate: Nullable(Type.Number()),
  /** Growth within the range, summed over videos (counts) and accounts (followers). */
  delta: Type.Object({ ...videoCounts, followers: Type.Integer() }),
  lastSyncedAt: Nullable(IsoDateTime),
})
export type TenantAnalyticsSummary = Static<typeof TenantAnalyticsSummary>
