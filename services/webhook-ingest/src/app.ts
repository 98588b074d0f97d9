import { Streams } from '@social-bridge/contracts'
import { infrastructurePlugin } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from './config.js'
import { domainPlugin } from './plugins/app/domain.js'
import { streamReadinessPlugin } from './plugins/external/stream-readiness.js'
import webhookRoutes from './routes/webhooks/index.js'

/** Name in logs, metrics and NATS monitoring. */
export const SERVICE_NAME = 'webhook-ingest'
export { Config, WEBHOOK_BODY_LIMIT_BYTES } from './config.js'

/** Options of the app plugin. */
export interface AppOptions {
  config: Config
  /** Now in Unix seconds for the signature tolerance; default the wall clock (tests pin it). */
  nowSec?: () => number
}

/**
 * webhook-ingest: verifies TikTok webhooks and Instagram's (Meta) notifications, stores them
 * durably in JetStream (`Streams.tiktokWebhooks`, `tiktok.webhook.>`; `Streams.instagramWebhooks`,
 * `instagram.webhook.>`), then answers 200. Never listens (`server.ts` does).
 *
 * No `internalAuthPlugin` and no `dbPlugin`: the only business routes are the networks' public
 * callbacks (signature-authenticated), and JetStream is the store of record.
 */
async function app(fastify: FastifyInstance, { config, nowSec }: AppOptions): Promise<void> {
  // infrastructure
  await fastify.register(infrastructurePlugin, {
    service: SERVICE_NAME,
    config,
    internalAuth: false,
    streams: [Streams.tiktokWebhooks, Streams.instagramWebhooks],
  })
  await fastify.register(streamReadinessPlugin)
  // domain
  await fastify.register(domainPlugin, { config, ...(nowSec ? { nowSec } : {}) })
  // routes
  await fastify.register(webhookRoutes)
}

export default fp(app, { name: SERVICE_NAME, fastify: '5.x' })
