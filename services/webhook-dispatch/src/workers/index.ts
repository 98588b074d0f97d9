import type { DurableConsumer } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { DispatchConfig } from '../config.js'
import { createDeliveryWorker } from './delivery-worker.js'
import { startEventConsumers } from './event-consumers.js'

/**
 * Starts, once the app is ready, the event consumer and the delivery worker;
 * stops them on close, before NATS drains and the pool ends.
 */
export const workersPlugin = fp(
  async (app: FastifyInstance, opts: { config: DispatchConfig }) => {
    const { config } = opts
    const worker = createDeliveryWorker({
      deliveries: app.dispatch.deliveries,
      endpoints: app.dispatch.endpoints,
      sender: app.dispatch.sender,
      schedule: app.dispatch.schedule,
      concurrency: config.DELIVERY_CONCURRENCY,
      endpointConcurrency: config.DELIVERY_ENDPOINT_CONCURRENCY,
      timeoutMs: config.DELIVERY_TIMEOUT_MS,
      leaseMs: config.DELIVERY_LEASE_MS,
      pollMs: config.DELIVERY_POLL_MS,
      log: app.log,
    })
    app.dispatch.nudge = () => worker.wake()
    let consumers: DurableConsumer[] = []
    app.addHook('onReady', async () => {
      consumers = await startEventConsumers(app, config.CONSUMER_COPIES, () => worker.wake())
      worker.start()
    })
    app.addHook('onClose', async () => {
      await Promise.all([worker.stop(), ...consumers.map((c) => c.stop())])
    })
  },
  { name: 'dispatch-workers', fastify: '5.x', dependencies: ['dispatch-domain', 'sb-nats'] },
)
