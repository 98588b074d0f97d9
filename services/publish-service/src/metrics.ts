import {
  registerMetrics,
  SCRAPE_READ_TIMEOUT_MS,
  sharedWhileRunning,
  withTimeout,
} from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram } from 'prom-client'
import type { PostRow } from './db/schema.js'
import { failReasonLabel } from './domain/fail-reasons.js'
import type { PostStatus } from './repositories/post-record.js'

/**
 * publish-service's business metrics (docs/operations.md lists the alerts and dashboards over
 * them). Labels: `mode` (direct, inbox), `source` (FILE_UPLOAD, PULL_FROM_URL), `fail_reason`
 * (a known reason of `fail-reasons.ts`, else `other`). Upload bytes and chunk retries are the
 * TikTok client's (`social_bridge_tiktok_upload_*`).
 */
export const publishMetrics = {
  /** Posts accepted by `POST /posts` (a replayed idempotent request is not counted again). */
  created: new Counter({
    name: 'social_bridge_posts_created_total',
    help: 'Posts created, by mode and source',
    labelNames: ['mode', 'source'] as const,
    registers: [],
  }),
  /** Posts that reached an end: `outcome` = published, sent_to_inbox, failed (with `fail_reason`, else `none`). */
  finished: new Counter({
    name: 'social_bridge_posts_finished_total',
    help: 'Posts that reached published, sent_to_inbox or failed, by mode, source and fail reason',
    labelNames: ['outcome', 'mode', 'source', 'fail_reason'] as const,
    registers: [],
  }),
  /** Creation → published (or sent to the inbox), seconds. */
  timeToPublish: new Histogram({
    name: 'social_bridge_post_time_to_publish_seconds',
    help: 'Time from a post being created to published or sent to the inbox, seconds',
    labelNames: ['mode', 'source'] as const,
    buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600],
    registers: [],
  }),
}

const ENDS = new Set<PostStatus>(['published', 'sent_to_inbox', 'failed'])

/** Counts a status change written by `recordStatusChange` (`row` before, `to` after). */
export function observeStatusChange(row: PostRow, to: PostStatus, failReason: string | null, at: Date): void {
  if (!ENDS.has(to) || ENDS.has(row.status as PostStatus)) return
  const { mode, source } = row
  publishMetrics.finished.inc({
    outcome: to,
    mode,
    source,
    fail_reason: to === 'failed' ? failReasonLabel(failReason) : 'none',
  })
  if (to !== 'failed')
    publishMetrics.timeToPublish.observe(
      { mode, source },
      (at.getTime() - new Date(row.createdAt).getTime()) / 1000,
    )
}

/** Posts not yet ended whose last change is older than this, s: the "stuck" gauge's threshold. */
export const STUCK_AFTER_SEC = 30 * 60

/**
 * Adds {@link publishMetrics} to `app.metrics`, and two gauges read from `publish.posts` at scrape
 * time (left out when PostgreSQL does not answer):
 * - `social_bridge_posts_in_progress{status}` — posts queued, uploading or processing;
 * - `social_bridge_posts_stuck{status}` — of those, the ones unchanged for {@link STUCK_AFTER_SEC};
 * - `social_bridge_posts_waiting{reason}` — posts held back by a wait reason (`wait-reasons.ts`).
 */
export function registerPublishMetrics(app: FastifyInstance): void {
  registerMetrics(app.metrics, publishMetrics)
  const read = sharedWhileRunning(
    async () =>
      app.sql<{ status: string; wait_reason: string | null; n: number; stuck: number }[]>`
      select status, wait_reason, count(*)::int as n,
             count(*) filter (where updated_at < now() - make_interval(secs => ${STUCK_AFTER_SEC}))::int as stuck
      from publish.posts where status in ('queued', 'uploading', 'processing')
      group by status, wait_reason`,
  )
  const gauge = (
    name: string,
    help: string,
    label: 'status' | 'reason',
    fill: (g: Gauge<string>, rows: Awaited<ReturnType<typeof read>>) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [app.metrics],
      async collect() {
        this.reset()
        const rows = await withTimeout(read(), SCRAPE_READ_TIMEOUT_MS).catch(() => undefined)
        if (rows) fill(this, rows)
      },
    })
  const byStatus = (rows: Awaited<ReturnType<typeof read>>, pick: (r: (typeof rows)[number]) => number) => {
    const sums = new Map<string, number>([
      ['queued', 0],
      ['uploading', 0],
      ['processing', 0],
    ])
    for (const r of rows) sums.set(r.status, (sums.get(r.status) ?? 0) + pick(r))
    return sums
  }
  gauge('social_bridge_posts_in_progress', 'Posts queued, uploading or processing', 'status', (g, rows) => {
    for (const [status, n] of byStatus(rows, (r) => r.n)) g.set({ status }, n)
  })
  gauge(
    'social_bridge_posts_stuck',
    `Posts not ended and unchanged for ${STUCK_AFTER_SEC} s`,
    'status',
    (g, rows) => {
      for (const [status, n] of byStatus(rows, (r) => r.stuck)) g.set({ status }, n)
    },
  )
  gauge(
    'social_bridge_posts_waiting',
    'Posts held back until a retry time, by wait reason',
    'reason',
    (g, rows) => {
      for (const r of rows) if (r.wait_reason) g.inc({ reason: r.wait_reason }, r.n)
    },
  )
}
