import type { DurableConsumer } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { PublishConfig } from '../config.js'
import type { WorkerHooks } from './deps.js'
import { createJobQueue } from './job-queue.js'
import { startMediaRetention } from './media-retention.js'
import { type PublishWorker, startPublishWorker } from './publish-worker.js'
import { startWebhookConsumer } from './webhook-consumer.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Set once the worker started (WORKER_ENABLED). */
    publishWorker: PublishWorker | null
  }
}

/**
 * Starts the outbox relay (service-kit `createOutbox`), the publish worker, the media retention
 * sweep and the webhook consumer when the app is ready (if `WORKER_ENABLED`), and stops them on close before NATS
 * drains and the pool ends.
 */
export const workersPlugin = fp(
  async (app: FastifyInstance, opts: { config: PublishConfig; hooks?: WorkerHooks }) => {
    app.decorate('publishWorker', null)
    if (!opts.config.WORKER_ENABLED) return
    let consumer: DurableConsumer | undefined
    let retention: { stop(): void } | undefined
    app.addHook('onReady', async () => {
      app.publish.outbox.start()
      app.publishWorker = startPublishWorker({
        db: app.db,
        config: opts.config,
        tiktok: app.tiktok,
        instagram: app.instagram,
        authClient: app.authClient,
        mediaStore: app.mediaStore,
        domain: app.publish,
        queue: createJobQueue({ db: app.db }),
        log: app.log.child({ worker: 'publish' }),
        hooks: opts.hooks,
      })
      retention = startMediaRetention({
        media: app.publish.media,
        store: app.mediaStore,
        days: opts.config.MEDIA_RETENTION_DAYS,
        intervalMs: opts.config.MEDIA_RETENTION_SWEEP_MS,
        log: app.log.child({ worker: 'media-retention' }),
      })
      consumer = await startWebhookConsumer({
        nc: app.nats.nc,
        namespace: app.nats.namespace,
        domain: app.publish,
        log: app.log.child({ worker: 'webhooks' }),
      })
    })
    app.addHook('onClose', async () => {
      retention?.stop()
      await consumer?.stop()
      await app.publishWorker?.stop()
      await app.publish.outbox.stop()
    })
  },
  { name: 'publish-workers', fastify: '5.x', dependencies: ['publish-domain'] },
)
