import { namespacedStream, Streams } from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Adds the `jetstream` readiness check: the webhook streams (TikTok's and Instagram's, namespaced)
 * answer `STREAM.INFO`.
 * With the kit's `nats` check (connection round trip) `/readyz` is 503 whenever a delivery
 * could not be stored — NATS down, JetStream off, or the stream deleted.
 */
export const streamReadinessPlugin = fp(
  async (app: FastifyInstance) => {
    const streams = [Streams.tiktokWebhooks, Streams.instagramWebhooks].map(
      (s) => namespacedStream(app.nats.namespace, s).name,
    )
    app.readiness.add('jetstream', async () => {
      for (const stream of streams) await app.nats.jsm.streams.info(stream)
    })
  },
  { name: 'stream-readiness', fastify: '5.x', dependencies: ['sb-health', 'sb-nats'] },
)
