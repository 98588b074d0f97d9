/**
 * Insights (docs/instagram-api.md "Insights"): a Reel's metrics, the account's profile counts and
 * its daily reach. Every answer carries the parsed usage headers (`usage`, docs/instagram-api.md "Rate limits") so
 * the caller can back off before Meta throttles; errors are {@link InstagramGraphError} (a throttled
 * call has category `rate_limited` and its own `usage`).
 */
import { InstagramGraphError } from './errors.js'
import type { GraphHttp } from './graph.js'
import type { GraphUsage } from './usage.js'

/**
 * The Reel metrics Social Bridge reads, by their current names (docs/instagram-api.md "Insights"). `plays`,
 * `clips_replays_count`, `ig_reels_aggregated_all_plays_count` and `impressions` were deprecated
 * for v22.0 and for every version from 2025-04-21, and `video_views` before them: `views` replaces them.
 */
export const REEL_METRICS = ['views', 'reach', 'likes', 'comments', 'shares', 'saved'] as const

/** One Reel metric name. */
export type ReelMetric = (typeof REEL_METRICS)[number]

/** Metric names Meta no longer answers (docs/instagram-api.md "Insights"); asking for one is a Graph error 100. */
export const DEPRECATED_MEDIA_METRICS = [
  'plays',
  'clips_replays_count',
  'ig_reels_aggregated_all_plays_count',
  'impressions',
  'video_views',
] as const

/**
 * A media's insights: each metric Meta returned, as a count. A metric is absent when Meta has no
 * data for it yet (it answers an empty set rather than 0; data can lag up to 48 h).
 */
export type MediaInsights = Partial<Record<ReelMetric, number>>

/** The account's counts read from `GET /me` (docs/instagram-api.md "Insights": followers). */
export interface AccountProfileCounts {
  /** The Instagram professional account id (`user_id`). */
  igUserId: string
  followersCount: number
  followsCount: number
  mediaCount: number
}

/** An answer with the usage headers that came with it. */
export interface WithUsage<T> {
  value: T
  usage: GraphUsage
}

/** The insights area of the Instagram client. */
export interface InsightsApi {
  /**
   * `GET /{ig-media-id}/insights?metric=views,reach,likes,comments,shares,saved` (or `metrics`).
   * @returns the metrics Meta returned (lifetime values), absent ones left out.
   * @throws InstagramGraphError (`rate_limited` when throttled; `grant_invalid` for a dead token;
   *   `failed` code 100 for an unknown media or metric, code 10 for a missing permission or a
   *   media with too few viewers).
   */
  mediaInsights(
    accessToken: string,
    mediaId: string,
    metrics?: readonly ReelMetric[],
  ): Promise<WithUsage<MediaInsights>>
  /**
   * `GET /me?fields=user_id,followers_count,follows_count,media_count`: the account's counts.
   * @throws InstagramGraphError; `invalid_response` when `user_id` is missing.
   */
  accountProfile(accessToken: string): Promise<WithUsage<AccountProfileCounts>>
  /**
   * `GET /{ig-user-id}/insights?metric=reach&period=day&metric_type=total_value`: accounts reached
   * in the last day. Reads `total_value.value`, or the newest of `values[]` (older answers).
   * @returns undefined when Meta has no data yet.
   * @throws InstagramGraphError.
   */
  accountReach(accessToken: string, igUserId: string): Promise<WithUsage<number | undefined>>
}

/** One entry of an insights answer's `data`. */
interface InsightEntry {
  name?: unknown
  values?: { value?: unknown }[]
  total_value?: { value?: unknown }
}

const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && /^\d+$/.test(v)
      ? Number(v)
      : undefined

/** The value of one insights entry: `total_value.value`, else the newest `values[].value`. */
function entryValue(e: InsightEntry): number | undefined {
  const total = count(e.total_value?.value)
  if (total !== undefined) return total
  const values = Array.isArray(e.values) ? e.values : []
  return count(values.at(-1)?.value)
}

const entries = (body: { data?: unknown }): InsightEntry[] =>
  Array.isArray(body.data) ? (body.data as InsightEntry[]) : []

const enc = encodeURIComponent

/** Builds the insights area over the client's {@link GraphHttp}. */
export function createInsightsApi(graph: GraphHttp): InsightsApi {
  return {
    async mediaInsights(accessToken, mediaId, metrics = REEL_METRICS) {
      const res = await graph.request<{ data?: unknown }>({
        path: `/${enc(mediaId)}/insights`,
        query: { metric: metrics.join(',') },
        accessToken,
      })
      const value: MediaInsights = {}
      for (const e of entries(res.body)) {
        const v = entryValue(e)
        if (typeof e.name === 'string' && (metrics as readonly string[]).includes(e.name) && v !== undefined)
          value[e.name as ReelMetric] = v
      }
      return { value, usage: res.usage }
    },

    async accountProfile(accessToken) {
      const res = await graph.request<Record<string, unknown>>({
        path: '/me',
        query: { fields: 'user_id,followers_count,follows_count,media_count' },
        accessToken,
      })
      const b = res.body
      const igUserId = typeof b.user_id === 'string' || typeof b.user_id === 'number' ? String(b.user_id) : ''
      if (!igUserId) {
        throw new InstagramGraphError('invalid_response', 'GET /me answered without user_id', {
          httpStatus: res.status,
          usage: res.usage,
          category: 'failed',
        })
      }
      return {
        value: {
          igUserId,
          followersCount: count(b.followers_count) ?? 0,
          followsCount: count(b.follows_count) ?? 0,
          mediaCount: count(b.media_count) ?? 0,
        },
        usage: res.usage,
      }
    },

    async accountReach(accessToken, igUserId) {
      const res = await graph.request<{ data?: unknown }>({
        path: `/${enc(igUserId)}/insights`,
        query: { metric: 'reach', period: 'day', metric_type: 'total_value' },
        accessToken,
      })
      const reach = entries(res.body).find((e) => e.name === 'reach')
      return { value: reach ? entryValue(reach) : undefined, usage: res.usage }
    },
  }
}
