import type { DurableConsumer } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { PublishConfig } from '../config.js'
import type { WorkerHooks } from './deps.js'
import { createJobQueue } from './job-queue.js'
import { type OutboxRelay, startOutboxRelay } from './outbox-relay.js'
import { type PublishWorker, startPublishWorker } from './publish-worker.js'
import { startWebhookConsumer } from './webhook-consumer.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Set once the worker started (WORKER_ENABLED). */
    publishWorker: PublishWorker | null
  }
}

/**
 * Starts the outbox relay, the publish worker and the webhook consumer when the app is ready
 * (if `WORKER_ENABLED`), and stops them on close before NATS drains and the pool ends.
 */
export const workersPlugin = fp(
  async (app: FastifyInstance, opts: { config: PublishConfig; hooks?: WorkerHooks }) => {
    app.decorate('publishWorker', null)
    if (!opts.config.WORKER_ENABLED) return
    let relay: OutboxRelay | undefined
    let consumer: DurableConsumer | undefined
    app.addHook('onReady', async () => {
      relay = startOutboxRelay({ db: app.db, bus: app.nats.bus, log: app.log })
      app.publish.nudgeOutbox = relay.nudge
      app.publishWorker = startPublishWorker({
        db: app.db,
        config: opts.config,
        tiktok: app.tiktok,
        authClient: app.authClient,
        mediaStore: app.mediaStore,
        domain: app.publish,
        queue: createJobQueue({ db: app.db }),
        log: app.log.child({ worker: 'publish' }),
        hooks: opts.hooks,
      })
      consumer = await startWebhookConsumer({
        nc: app.nats.nc,
        namespace: app.nats.namespace,
        domain: app.publish,
        log: app.log.child({ worker: 'webhooks' }),
      })
    })
    app.addHook('onClose', async () => {
      await consumer?.stop()
      await app.publishWorker?.stop()
      await relay?.stop()
    })
  },
  { name: 'publish-workers', fastify: '5.x', dependencies: ['publish-domain'] },
)
