import { TIKTOK_WEBHOOK_SUBJECT_PREFIX } from '@social-bridge/contracts'
import { Counter, Histogram } from 'prom-client'
import type { WebhookIngestor } from './domain/webhook-ingestor.js'
import { WebhookNotStoredError, WebhookPayloadInvalidError, WebhookUnauthorizedError } from './errors.js'

/**
 * webhook-ingest's business metrics (docs/operations.md). `event` is TikTok's event name of a
 * verified delivery (`post.publish.complete`…; only TikTok can sign one, so the set is TikTok's
 * list of events), `unverified` for a refused one. `outcome`: stored, duplicate (same bytes stored
 * before), refused_signature (401), refused_payload (400), not_stored (503, TikTok retries).
 * The backlog behind it is service-kit's `social_bridge_jetstream_consumer_*` on TIKTOK_WEBHOOKS.
 */
export const ingestMetrics = {
  received: new Counter({
    name: 'social_bridge_webhooks_received_total',
    help: 'TikTok webhook deliveries by event and outcome',
    labelNames: ['event', 'outcome'] as const,
    registers: [],
  }),
  /** Delivery received → stored in JetStream (or refused), seconds. */
  duration: new Histogram({
    name: 'social_bridge_webhook_ingest_duration_seconds',
    help: 'Time to verify and store a TikTok webhook delivery, seconds',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [],
  }),
}

const EVENT_PREFIX = `${TIKTOK_WEBHOOK_SUBJECT_PREFIX}.`

function refusal(err: unknown): string {
  if (err instanceof WebhookUnauthorizedError) return 'refused_signature'
  if (err instanceof WebhookPayloadInvalidError) return 'refused_payload'
  if (err instanceof WebhookNotStoredError) return 'not_stored'
  return 'error'
}

/** `ingestor`, counting and timing each delivery in {@link ingestMetrics}. */
export function measuredIngestor(ingestor: WebhookIngestor): WebhookIngestor {
  return {
    async ingest(signatureHeader, rawBody) {
      const stop = ingestMetrics.duration.startTimer()
      try {
        const result = await ingestor.ingest(signatureHeader, rawBody)
        const outcome = result.duplicate ? 'duplicate' : 'stored'
        ingestMetrics.received.inc({ event: result.subject.slice(EVENT_PREFIX.length), outcome })
        stop({ outcome })
        return result
      } catch (err) {
        const outcome = refusal(err)
        ingestMetrics.received.inc({ event: 'unverified', outcome })
        stop({ outcome })
        throw err
      }
    },
  }
}
