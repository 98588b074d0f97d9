import { registerMetrics, SCRAPE_READ_TIMEOUT_MS, withTimeout } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import type { Sql } from 'postgres'
import { Counter, Gauge } from 'prom-client'
import type { Cadence } from './domain/cadence.js'

/**
 * analytics-service's business metrics (docs/operations.md). `syncs{outcome}`: synced, partial
 * (a 429 cut it short), stale (the account's token was refused), failed, lease_lost;
 * `syncsInProgress`: account syncs this replica runs now (leased, not finished).
 */
export const analyticsMetrics = {
  syncs: new Counter({
    name: 'social_bridge_analytics_syncs_total',
    help: 'Account syncs by outcome: synced, partial, stale, failed, lease_lost',
    labelNames: ['outcome'] as const,
    registers: [],
  }),
  syncsInProgress: new Gauge({
    name: 'social_bridge_analytics_syncs_in_progress',
    help: 'Account syncs this replica runs now (leased, not finished)',
    registers: [],
  }),
}

/**
 * Comment metrics (docs/operations.md, docs/instagram-api.md "Comments"):
 * `webhookComments{outcome}` — `instagram.webhook.comments` events: stored, account_not_connected
 * (no active connection of the account: dropped), no_comment (a change without comment/media id);
 * `commentSyncs{outcome}` — comment syncs of a media: synced, partial (page cap reached, resumes),
 * rate_limited (Instagram's limit: retried later), stale (the token was refused), failed.
 */
export const commentMetrics = {
  webhookComments: new Counter({
    name: 'social_bridge_analytics_webhook_comments_total',
    help: 'Instagram comment webhook events by outcome: stored, account_not_connected, no_comment',
    labelNames: ['outcome'] as const,
    registers: [],
  }),
  commentSyncs: new Counter({
    name: 'social_bridge_analytics_comment_syncs_total',
    help: 'Comment syncs of an Instagram media by outcome: synced, partial, rate_limited, stale, failed',
    labelNames: ['outcome'] as const,
    registers: [],
  }),
}

/**
 * Adds {@link analyticsMetrics} and {@link commentMetrics} to `app.metrics`, and gauges read at scrape time (left out when
 * PostgreSQL does not answer):
 * - `social_bridge_analytics_sync_lag_seconds{step}` — how far past its due time the most overdue
 *   video of each cadence step is, s (`step` = the step's index in `SYNC_CADENCE`, 0 = youngest
 *   videos; videos older than every step count in the last); 0 when none is overdue;
 * - `social_bridge_analytics_rate_budget_used_calls{endpoint}` — calls granted in the current
 *   rate window per TikTok endpoint (`user.info`, `video.list`, `video.query`), beside the limit
 *   `social_bridge_analytics_rate_budget_limit_calls`;
 * - `social_bridge_analytics_instagram_usage_percent{scope}` — the highest Instagram usage the
 *   headers reported in the last hour, % (`scope` = `app` for `X-App-Usage`, `account` for the
 *   busiest account's `X-Business-Use-Case-Usage`; docs/instagram-api.md "Rate limits").
 */
export function registerAnalyticsMetrics(
  app: FastifyInstance,
  sql: Sql,
  opts: { cadence: Cadence; limit: number; windowMs: number },
): void {
  registerMetrics(app.metrics, analyticsMetrics)
  registerMetrics(app.metrics, commentMetrics)
  const registers = [app.metrics]
  const maxAgesSec = opts.cadence.map((s) => s.maxAgeMs / 1000)
  new Gauge({
    name: 'social_bridge_analytics_sync_lag_seconds',
    help: 'Time the most overdue video of each cadence step is past its due sync, seconds',
    labelNames: ['step'],
    registers,
    async collect() {
      this.reset()
      for (let i = 0; i < maxAgesSec.length; i++) this.set({ step: String(i) }, 0)
      const rows = await withTimeout(
        sql<{ step: number; lag: number }[]>`
        select least(
                 (select count(*) from unnest(${maxAgesSec}::float8[]) m
                  where m <= extract(epoch from now() - coalesce(created_on_provider_at, first_seen_at))),
                 ${Math.max(0, maxAgesSec.length - 1)})::int as step,
               max(extract(epoch from now() - next_sync_at))::float8 as lag
        from analytics.videos where next_sync_at <= now() group by 1`,
        SCRAPE_READ_TIMEOUT_MS,
      ).catch(() => [])
      for (const r of rows) this.set({ step: String(r.step) }, r.lag)
    },
  })
  new Gauge({
    name: 'social_bridge_analytics_rate_budget_used_calls',
    help: 'TikTok calls granted in the current rate window, by endpoint',
    labelNames: ['endpoint'],
    registers,
    async collect() {
      this.reset()
      const rows = await withTimeout(
        sql<{ endpoint: string; used: number }[]>`
        select substring(key from '[^:]+$') as endpoint, count(*)::int as used from analytics.api_calls
        where at > now() - make_interval(secs => ${opts.windowMs / 1000}) group by 1`,
        SCRAPE_READ_TIMEOUT_MS,
      ).catch(() => [])
      for (const r of rows) this.set({ endpoint: r.endpoint }, r.used)
    },
  })
  new Gauge({
    name: 'social_bridge_analytics_instagram_usage_percent',
    help: 'Highest Instagram usage reported by the headers in the last hour, percent, by scope (app, account)',
    labelNames: ['scope'],
    registers,
    async collect() {
      this.reset()
      const rows = await withTimeout(
        sql<{ scope: string; pct: number }[]>`
        select case when key = 'instagram:app' then 'app' else 'account' end as scope, max(usage_pct)::int as pct
        from analytics.api_usage where observed_at > now() - interval '1 hour' group by 1`,
        SCRAPE_READ_TIMEOUT_MS,
      ).catch(() => [])
      for (const r of rows) this.set({ scope: r.scope }, r.pct)
    },
  })
  new Gauge({
    name: 'social_bridge_analytics_rate_budget_limit_calls',
    help: 'TikTok calls allowed per rate window and endpoint (TIKTOK_RATE_LIMIT)',
    registers,
  }).set(opts.limit)
}
