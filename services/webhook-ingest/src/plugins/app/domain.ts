import { registerMetrics } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type Config, webhookSecrets } from '../../config.js'
import { createCoalescingBus } from '../../domain/coalescing-bus.js'
import { createWebhookIngestor, type WebhookIngestor } from '../../domain/webhook-ingestor.js'
import { createWebhookVerifier } from '../../domain/webhook-verifier.js'
import { ingestMetrics, measuredIngestor } from '../../metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    webhookIngestor: WebhookIngestor
  }
}

/**
 * webhook-ingest's domain plugin (no repositories: JetStream is the store of record). Decorates
 * `app.webhookIngestor`, configured from `config` and publishing through `app.nats.bus`
 * (coalesced per event-loop turn, see `createCoalescingBus`). `nowSec` (Unix seconds) replaces the
 * wall clock of the signature tolerance in tests.
 */
export const domainPlugin = fp(
  async (app: FastifyInstance, opts: { config: Config; nowSec?: () => number }) => {
    const verifier = createWebhookVerifier({
      clientKey: opts.config.TIKTOK_CLIENT_KEY,
      secrets: webhookSecrets(opts.config),
      toleranceSec: opts.config.WEBHOOK_TOLERANCE_SEC,
      ...(opts.nowSec ? { nowSec: opts.nowSec } : {}),
    })
    registerMetrics(app.metrics, ingestMetrics)
    app.decorate(
      'webhookIngestor',
      measuredIngestor(
        createWebhookIngestor({
          verifier,
          bus: createCoalescingBus(app.nats.bus),
          publishTimeoutMs: opts.config.PUBLISH_TIMEOUT_MS,
        }),
      ),
    )
  },
  { name: 'webhook-ingest-domain', fastify: '5.x', dependencies: ['sb-nats'] },
)
