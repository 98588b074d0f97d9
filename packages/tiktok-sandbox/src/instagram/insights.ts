/**
 * Insights on the emulator (docs/instagram-api.md "Insights"): `GET /{ig-media-id}/insights` for
 * published media and `GET /{ig-user-id}/insights` for the account, one route (`/:id/insights`,
 * fault endpoint `ig.insights`). Counts grow with the media's age on the virtual clock, plus the
 * offsets a test puts in `store.mediaInsights` / `store.accountInsights`; `comments` also counts
 * the media's stored comments. Usage headers and the per-account throttle (code 80002) come from
 * `authenticate` and the Graph scope (index.ts); a fault `rate_limit` answers code 4 with HTTP 429.
 */
import type { FastifyPluginAsync } from 'fastify'
import { authenticate, requireOwnAccount } from './auth.js'
import { GraphApiError, graphErrors, sendGraph } from './http.js'
import type { IgRouteOptions } from './index.js'
import { type IgMedia, type InstagramStore, igId } from './store.js'

/** Media metrics the emulator answers (the current Reel metrics, docs/instagram-api.md "Insights"). */
export const MEDIA_METRICS = [
  'views',
  'reach',
  'likes',
  'comments',
  'shares',
  'saved',
  'total_interactions',
] as const
/** Deprecated media metrics: asking for one is error 100, as Graph answers since 2025-04-21. */
export const DEPRECATED_MEDIA_METRICS = [
  'plays',
  'clips_replays_count',
  'ig_reels_aggregated_all_plays_count',
  'impressions',
  'video_views',
] as const
/** Account metrics the emulator answers. */
export const ACCOUNT_METRICS = ['reach', 'views', 'accounts_engaged', 'total_interactions'] as const

/** Views a Reel gains per hour of age; the other counts are fixed shares of views. */
const VIEWS_PER_HOUR = 240
const SHARE_OF_VIEWS = { reach: 0.7, likes: 0.06, comments: 0.008, shares: 0.01, saved: 0.012 } as const
const DAY_MS = 86_400_000

const TITLES: Record<string, string> = {
  views: 'Views',
  reach: 'Accounts reached',
  likes: 'Likes',
  comments: 'Comments',
  shares: 'Shares',
  saved: 'Saves',
  total_interactions: 'Interactions',
  accounts_engaged: 'Accounts engaged',
}

/** A media's lifetime metrics at virtual time `at` (ms). */
export function mediaMetricsAt(store: InstagramStore, media: IgMedia, at: number): Record<string, number> {
  const hours = Math.max(0, at - media.timestamp) / 3_600_000
  const offsets = store.mediaInsights.get(media.id) ?? {}
  const views = Math.floor(VIEWS_PER_HOUR * hours) + (offsets.views ?? 0)
  const stored = [...store.comments.values()].filter(
    (c) => c.mediaId === media.id && c.timestamp <= at,
  ).length
  const m: Record<string, number> = { views }
  for (const [name, share] of Object.entries(SHARE_OF_VIEWS))
    m[name] = Math.floor(views * share) + (offsets[name] ?? 0)
  m.comments = (m.comments ?? 0) + stored
  m.total_interactions = (m.likes ?? 0) + (m.comments ?? 0) + (m.shares ?? 0) + (m.saved ?? 0)
  return m
}

/** An account's metrics over the day before virtual time `at`: what its media gained, plus a followers-based base. */
export function accountDayMetricsAt(
  store: InstagramStore,
  igUserId: string,
  at: number,
): Record<string, number> {
  const account = store.account(igUserId)
  const offsets = store.accountInsights.get(igUserId) ?? {}
  const gained = { reach: 0, views: 0, total_interactions: 0 }
  for (const media of store.media.values()) {
    if (media.igUserId !== igUserId) continue
    const now = mediaMetricsAt(store, media, at)
    const before = mediaMetricsAt(store, media, at - DAY_MS)
    for (const k of Object.keys(gained) as (keyof typeof gained)[])
      gained[k] += (now[k] ?? 0) - (before[k] ?? 0)
  }
  const base = Math.floor((account?.followersCount ?? 0) * 0.25)
  const reach = base + gained.reach + (offsets.reach ?? 0)
  return {
    reach,
    views: base + gained.views + (offsets.views ?? 0),
    accounts_engaged: Math.floor(reach * 0.1) + (offsets.accounts_engaged ?? 0),
    total_interactions: gained.total_interactions + (offsets.total_interactions ?? 0),
  }
}

/** The `metric` parameter as a list, checked against `allowed`. @throws GraphApiError 100. */
function metricList(params: Record<string, string>, allowed: readonly string[]): string[] {
  const names = (params.metric ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean)
  if (names.length === 0) throw graphErrors.invalidParameter('(#100) The parameter metric is required')
  names.forEach((name, i) => {
    if ((DEPRECATED_MEDIA_METRICS as readonly string[]).includes(name))
      throw graphErrors.invalidParameter(
        `(#100) metric[${i}] '${name}' is no longer supported; use one of: ${allowed.join(', ')}`,
      )
    if (!allowed.includes(name))
      throw graphErrors.invalidParameter(
        `(#100) metric[${i}] must be one of the following values: ${allowed.join(', ')}`,
      )
  })
  return names
}

const entry = (id: string, name: string, period: string, extra: Record<string, unknown>) => ({
  name,
  period,
  ...extra,
  title: TITLES[name] ?? name,
  description: `${TITLES[name] ?? name} (Social Bridge sandbox)`,
  id: `${id}/insights/${name}/${period}`,
})

/**
 * Seeds a published Reel on the account, as `media_publish` would leave it (tests that do not
 * publish through the emulator): `ageMs` before the virtual now (default 0).
 */
export function seedPublishedReel(
  store: InstagramStore,
  igUserId: string,
  opts: { ageMs?: number; caption?: string } = {},
): IgMedia {
  const id = igId('18')
  const shortcode = id.slice(-11)
  const media: IgMedia = {
    id,
    igUserId,
    containerId: igId('17'),
    mediaType: 'VIDEO',
    mediaProductType: 'REELS',
    ...(opts.caption === undefined ? {} : { caption: opts.caption }),
    shortcode,
    permalink: `https://www.instagram.com/reel/${shortcode}/`,
    timestamp: store.clock.now() - (opts.ageMs ?? 0),
  }
  store.media.set(id, media)
  return media
}

export const insightsRoutes: FastifyPluginAsync<IgRouteOptions> = async (fastify, { store }) => {
  fastify.get<{ Params: { id: string } }>(
    '/:id/insights',
    { config: { endpoint: 'ig.insights' } },
    async (request, reply) => {
      const caller = authenticate(store, request, ['instagram_business_manage_insights'])
      const { id } = request.params
      const now = store.clock.now()
      const media = store.media.get(id)
      if (media) {
        if (media.igUserId !== caller.account.igUserId) throw graphErrors.unknownObject('get', id)
        const names = metricList(caller.params, MEDIA_METRICS)
        const values = mediaMetricsAt(store, media, now)
        const data = names.map((n) => entry(id, n, 'lifetime', { values: [{ value: values[n] ?? 0 }] }))
        return sendGraph(reply, { data })
      }
      const account = requireOwnAccount(caller, id, 'get')
      const names = metricList(caller.params, ACCOUNT_METRICS)
      const period = caller.params.period
      if (period !== 'day') {
        throw new GraphApiError(400, 100, '(#100) The parameter period is required and must be day', {
          type: 'OAuthException',
        })
      }
      const totalValue = caller.params.metric_type === 'total_value'
      const today = accountDayMetricsAt(store, account.igUserId, now)
      const yesterday = accountDayMetricsAt(store, account.igUserId, now - DAY_MS)
      const endTime = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, '+0000')
      const data = names.map((n) =>
        entry(
          account.igUserId,
          n,
          'day',
          totalValue
            ? { total_value: { value: today[n] ?? 0 } }
            : {
                values: [
                  { value: yesterday[n] ?? 0, end_time: endTime(now - DAY_MS) },
                  { value: today[n] ?? 0, end_time: endTime(now) },
                ],
              },
        ),
      )
      return sendGraph(reply, { data })
    },
  )
}
