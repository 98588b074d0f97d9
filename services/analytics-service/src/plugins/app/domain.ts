import { InstagramGraphError } from '@social-bridge/instagram-client'
import { createOutbox, type Outbox } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AnalyticsConfig } from '../../config.js'
import { outbox as outboxTable } from '../../db/schema.js'
import { type Cadence, parseCadence } from '../../domain/cadence.js'
import { type CommentSync, createCommentSync } from '../../domain/comments/comment-sync.js'
import { createRateBudget, type RateBudget } from '../../domain/rate-budget.js'
import { createReports, type Reports } from '../../domain/reports.js'
import { createSyncAdapters } from '../../domain/sync/providers.js'
import { createSyncService, type SyncService } from '../../domain/sync/sync-service.js'
import { createUsageGate, type UsageGate } from '../../domain/usage-gate.js'
import { registerAnalyticsMetrics } from '../../metrics.js'
import { type CommentsRepository, createCommentsRepository } from '../../repositories/comments-repository.js'
import {
  type ConnectionsRepository,
  createConnectionsRepository,
} from '../../repositories/connections-repository.js'
import { createReadModel, type ReadModel } from '../../repositories/read-model.js'
import {
  createSnapshotsRepository,
  type SnapshotsRepository,
} from '../../repositories/snapshots-repository.js'
import { createSyncLeases, type SyncLeases } from '../../repositories/sync-leases.js'
import { createVideosRepository, type VideosRepository } from '../../repositories/videos-repository.js'

/** The domain of analytics-service, shared by routes and workers. */
export interface AnalyticsDomain {
  /** The app clock: cadence, due times and measured_at (tests may follow the sandbox's virtual clock). */
  clock: () => Date
  cadence: Cadence
  connections: ConnectionsRepository
  /** The scheduler's per-account sync lease. */
  leases: SyncLeases
  videos: VideosRepository
  snapshots: SnapshotsRepository
  readModel: ReadModel
  outbox: Outbox
  budget: RateBudget
  /** Instagram's usage gate (back-off from the usage headers), shared by every replica. */
  usageGate: UsageGate
  sync: SyncService
  /**
   * Provider calls this process made, by `endpoint:outcome` (TikTok, e.g. `video.query:ok`) or
   * `instagram:outcome` (`instagram:ok`, `instagram:paced`, `instagram:rate_limited`…).
   */
  callStats: Map<string, number>
  /** The answers of the GET analytics routes. */
  reports: Reports
  /** Instagram comments and the media they are kept for (docs/instagram-api.md "Comments"). */
  comments: CommentsRepository
  /** The comment sync (comments made before the post was known or the account connected). */
  commentSync: CommentSync
}

declare module 'fastify' {
  interface FastifyInstance {
    analytics: AnalyticsDomain
  }
}

/**
 * Builds the repositories, the shared TikTok budget, Instagram's usage gate, the sync adapters, the comments domain
 * and the sync service from config and decorates `app.analytics` (with in-process provider call
 * counts in `callStats`). Needs `app.pg`, `app.db` (the outbox relay), `app.nats`, `app.tiktok`,
 * `app.instagram`, `app.authClient`.
 * @throws Error at start when `SYNC_CADENCE` is malformed.
 */
export const domainPlugin = fp(
  async (app: FastifyInstance, opts: { config: AnalyticsConfig; clock?: () => Date }) => {
    const { config } = opts
    const sql = app.pg
    const clock = opts.clock ?? (() => new Date())
    const cadence = parseCadence(config.SYNC_CADENCE)
    registerAnalyticsMetrics(app, sql, {
      cadence,
      limit: config.TIKTOK_RATE_LIMIT,
      windowMs: config.TIKTOK_RATE_WINDOW_MS,
    })
    const callStats = new Map<string, number>()
    const connections = createConnectionsRepository({ sql })
    const leases = createSyncLeases({ sql })
    const videos = createVideosRepository({ sql })
    const snapshots = createSnapshotsRepository()
    const readModel = createReadModel({ sql })
    const outbox = createOutbox({
      db: app.db,
      table: outboxTable,
      bus: app.nats.bus,
      log: app.log,
      metrics: app.metrics,
    })
    const budget = createRateBudget({
      sql,
      clientKey: config.TIKTOK_CLIENT_KEY,
      limit: config.TIKTOK_RATE_LIMIT,
      windowMs: config.TIKTOK_RATE_WINDOW_MS,
      safetyMs: config.TIKTOK_RATE_SAFETY_MS,
      backoffMs: config.TIKTOK_RATE_LIMIT_BACKOFF_MS,
    })
    const count = (key: string) => callStats.set(key, (callStats.get(key) ?? 0) + 1)
    const usageGate = createUsageGate({
      sql,
      clock,
      slowPct: config.INSTAGRAM_USAGE_SLOW_PCT,
      stopPct: config.INSTAGRAM_USAGE_STOP_PCT,
      slowIntervalMs: config.INSTAGRAM_USAGE_SLOW_INTERVAL_MS,
      pauseMs: config.INSTAGRAM_USAGE_PAUSE_MS,
    })
    const adapters = createSyncAdapters({
      tiktok: {
        sql,
        display: app.tiktok.display,
        authClient: app.authClient,
        budget,
        leases,
        videos,
        clock,
        videoRelistIntervalMs: config.VIDEO_RELIST_INTERVAL_MS,
        rateLimitBackoffMs: config.TIKTOK_RATE_LIMIT_BACKOFF_MS,
        onCall: (endpoint, outcome) => count(`${endpoint}:${outcome}`),
      },
      instagram: {
        insights: app.instagram.insights,
        authClient: app.authClient,
        gate: usageGate,
        videos,
        clock,
        throttleBackoffMs: config.INSTAGRAM_THROTTLE_BACKOFF_MS,
        onCall: (outcome) => count(`instagram:${outcome}`),
      },
    })
    const sync = createSyncService({
      sql,
      adapters,
      connections,
      leases,
      videos,
      snapshots,
      outbox,
      cadence,
      clock,
      leaseMs: config.SYNC_LEASE_MS,
      accountSyncIntervalMs: config.ACCOUNT_SYNC_INTERVAL_MS,
      retryMs: config.SYNC_RETRY_MS,
      log: app.log,
    })
    const comments = createCommentsRepository({ sql })
    const commentSync = createCommentSync({
      sql,
      comments,
      authClient: app.authClient,
      listComments: (accessToken, mediaId, page) => app.instagram.comments.list(accessToken, mediaId, page),
      failureOf: (err) => (err instanceof InstagramGraphError ? err.category : undefined),
      pageSize: config.COMMENT_SYNC_PAGE_SIZE,
      maxPages: config.COMMENT_SYNC_MAX_PAGES,
      batch: config.COMMENT_SYNC_BATCH,
      leaseMs: config.COMMENT_SYNC_LEASE_MS,
      retryMs: config.COMMENT_SYNC_RETRY_MS,
      rateLimitBackoffMs: config.COMMENT_SYNC_RATE_LIMIT_BACKOFF_MS,
      log: app.log,
    })
    app.decorate('analytics', {
      clock,
      cadence,
      connections,
      leases,
      videos,
      snapshots,
      readModel,
      outbox,
      budget,
      usageGate,
      sync,
      callStats,
      reports: createReports({ readModel, connections }),
      comments,
      commentSync,
    })
  },
  {
    name: 'analytics-domain',
    fastify: '5.x',
    dependencies: ['analytics-pg', 'sb-db', 'sb-nats', 'sb-tiktok', 'sb-instagram', 'auth-client'],
  },
)
