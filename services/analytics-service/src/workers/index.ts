import {
  ConnectionConnectedV1,
  ConnectionDisconnectedV1,
  ConnectionReauthRequiredV1,
  InstagramWebhookFilters,
  InstagramWebhookV1,
  PostPublishedV1,
  type StreamSpec,
  Streams,
  Subjects,
  TikTokWebhookAnyVersion,
  TikTokWebhookFilters,
} from '@social-bridge/contracts'
import { type DurableConsumer, startDurableConsumer } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { TSchema } from 'typebox'
import type { AnalyticsConfig } from '../config.js'
import { catchUpConnections } from './catch-up.js'
import { createCommentHandlers } from './comment-handlers.js'
import { createCommentSyncLoop } from './comment-sync-loop.js'
import { createEventHandlers } from './event-handlers.js'
import { createScheduler, type Scheduler } from './scheduler.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The sync scheduler (tests call `drain()` when `SCHEDULER_ENABLED` is false). */
    scheduler: Scheduler
  }
}

/**
 * Starts, once the app is ready, the durable consumers (one per subject: nats-server 2.9 allows
 * one filter per consumer), the outbox relay (service-kit `createOutbox`), the start-up catch-up,
 * the sync scheduler and the comment sync loop; stops them on close, before NATS drains and the pool ends.
 */
export const workersPlugin = fp(
  async (app: FastifyInstance, opts: { config: AnalyticsConfig }) => {
    const { config } = opts
    const handlers = createEventHandlers({ sql: app.pg, domain: app.analytics })
    const commentHandlers = createCommentHandlers({ sql: app.pg, domain: app.analytics })
    const commentSyncLoop = createCommentSyncLoop({
      sync: app.analytics.commentSync,
      tickMs: config.COMMENT_SYNC_TICK_MS,
      log: app.log,
    })
    const scheduler = createScheduler({
      domain: app.analytics,
      tickMs: config.SCHEDULER_TICK_MS,
      concurrency: config.SYNC_CONCURRENCY,
      leaseMs: config.SYNC_LEASE_MS,
      log: app.log,
    })
    app.decorate('scheduler', scheduler)
    const consumers: DurableConsumer[] = []
    const stopping = new AbortController()
    let catchUp: Promise<unknown> = Promise.resolve()

    // [stream, subject, payload schema, handler, durable name (default `analytics-<subject>`)]
    const subscriptions: [StreamSpec, string, TSchema, (env: never) => Promise<void>, string?][] = [
      [Streams.socialEvents, Subjects.connectionConnected, ConnectionConnectedV1, handlers.connected],
      [
        Streams.socialEvents,
        Subjects.connectionReauthRequired,
        ConnectionReauthRequiredV1,
        handlers.reauthRequired,
      ],
      [
        Streams.socialEvents,
        Subjects.connectionDisconnected,
        ConnectionDisconnectedV1,
        handlers.disconnected,
      ],
      [Streams.socialEvents, Subjects.postPublished, PostPublishedV1, handlers.postPublished],
      [
        Streams.tiktokWebhooks,
        TikTokWebhookFilters.postPubliclyAvailable,
        TikTokWebhookAnyVersion,
        handlers.publiclyAvailable,
      ],
      [
        Streams.instagramWebhooks,
        InstagramWebhookFilters.comments,
        InstagramWebhookV1,
        commentHandlers.instagramComment,
      ],
      // a second consumer of social.post.published: the Instagram media ↔ post link of the comments
      [
        Streams.socialEvents,
        Subjects.postPublished,
        PostPublishedV1,
        commentHandlers.postPublished,
        'analytics-comments-post-published',
      ],
    ]

    app.addHook('onReady', async () => {
      for (const [stream, subject, schema, handler, durable] of subscriptions) {
        consumers.push(
          await startDurableConsumer({
            nc: app.nats.nc,
            namespace: app.nats.namespace,
            stream,
            durableName: durable ?? `analytics-${subject.replace(/[^A-Za-z0-9_-]/g, '-')}`,
            filterSubject: subject,
            payloadSchema: schema,
            handler: handler as (env: unknown) => Promise<void>,
            log: app.log,
          }),
        )
      }
      if (config.CATCH_UP_ON_START) {
        catchUp = catchUpConnections({
          authClient: app.authClient,
          domain: app.analytics,
          signal: stopping.signal,
          log: app.log,
        }).then((n) => app.log.info({ tracked: n }, 'connection catch-up done'))
      }
      app.analytics.outbox.start()
      if (config.SCHEDULER_ENABLED) scheduler.start()
      if (config.COMMENT_SYNC_ENABLED) commentSyncLoop.start()
    })

    app.addHook('onClose', async () => {
      stopping.abort()
      await Promise.all([
        scheduler.stop(),
        commentSyncLoop.stop(),
        catchUp,
        ...consumers.map((c) => c.stop()),
      ])
      await app.analytics.outbox.stop() // after the syncs that may still enqueue
    })
  },
  { name: 'analytics-workers', fastify: '5.x', dependencies: ['analytics-domain', 'sb-nats'] },
)
