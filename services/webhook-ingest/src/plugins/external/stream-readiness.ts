import { namespacedStream, Streams } from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Adds the `jetstream` readiness check: the webhook stream (namespaced) answers `STREAM.INFO`.
 * With the kit's `nats` check (connection round trip) `/readyz` is 503 whenever a delivery
 * could not be stored — NATS down, JetStream off, or the stream deleted.
 */
export const streamReadinessPlugin = fp(
  async (app: FastifyInstance) => {
    const stream = namespacedStream(app.nats.namespace, Streams.tiktokWebhooks).name
    app.readiness.add('jetstream', async () => {
      await app.nats.jsm.streams.info(stream)
    })
  },
  { name: 'stream-readiness', fastify: '5.x', dependencies: ['sb-health', 'sb-nats'] },
)
