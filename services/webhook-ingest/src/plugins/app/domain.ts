import { registerMetrics } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type Config, instagramWebhookSettings, webhookSecrets } from '../../config.js'
import { createCoalescingBus } from '../../domain/coalescing-bus.js'
import { createInstagramIngestor, type InstagramIngestor } from '../../domain/instagram/ingestor.js'
import { createInstagramVerifier } from '../../domain/instagram/verifier.js'
import { createWebhookIngestor, type WebhookIngestor } from '../../domain/webhook-ingestor.js'
import { createWebhookVerifier } from '../../domain/webhook-verifier.js'
import {
  ingestMetrics,
  instagramMetrics,
  measuredIngestor,
  measuredInstagramIngestor,
} from '../../metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    webhookIngestor: WebhookIngestor
    /** Instagram's ingestor and verify token; null when Instagram is off (config). */
    instagramWebhooks: { ingestor: InstagramIngestor; verifyToken: string } | null
  }
}

/**
 * webhook-ingest's domain plugin (no repositories: JetStream is the store of record). Decorates
 * `app.webhookIngestor` (TikTok) and `app.instagramWebhooks` (Instagram, null when off), configured
 * from `config` and publishing through `app.nats.bus` (coalesced per event-loop turn, see
 * `createCoalescingBus`). `nowSec` (Unix seconds) replaces the wall clock of the signature
 * tolerance and of Instagram's notification age in tests.
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
    registerMetrics(app.metrics, instagramMetrics)
    const bus = createCoalescingBus(app.nats.bus)
    const instagram = instagramWebhookSettings(opts.config)
    app.decorate(
      'instagramWebhooks',
      instagram && {
        verifyToken: instagram.verifyToken,
        ingestor: measuredInstagramIngestor(
          createInstagramIngestor({
            verifier: createInstagramVerifier(instagram, opts.nowSec),
            bus,
            publishTimeoutMs: opts.config.PUBLISH_TIMEOUT_MS,
          }),
        ),
      },
    )
    app.decorate(
      'webhookIngestor',
      measuredIngestor(
        createWebhookIngestor({
          verifier,
          bus,
          publishTimeoutMs: opts.config.PUBLISH_TIMEOUT_MS,
        }),
      ),
    )
  },
  { name: 'webhook-ingest-domain', fastify: '5.x', dependencies: ['sb-nats'] },
)
