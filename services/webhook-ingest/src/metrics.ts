import { TIKTOK_WEBHOOK_SUBJECT_PREFIX } from '@social-bridge/contracts'
import { Counter, Histogram } from 'prom-client'
import type { InstagramIngestor } from './domain/instagram/ingestor.js'
import type { WebhookIngestor } from './domain/webhook-ingestor.js'
import {
  InstagramPayloadInvalidError,
  WebhookNotStoredError,
  WebhookPayloadInvalidError,
  WebhookUnauthorizedError,
} from './errors.js'

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

/**
 * Instagram's webhook metrics (docs/operations.md). Per notification, `outcome`: stored (at least
 * one new change), duplicate (every change stored before: a Meta retry or a replay), empty (no
 * change), refused_signature (401: bad signature or stale), refused_payload (400), not_stored
 * (503, Meta retries). Per stored change, `field` is Meta's field name (only Meta can sign one, so
 * the set is Meta's list of fields) and `outcome` stored or duplicate.
 */
export const instagramMetrics = {
  notifications: new Counter({
    name: 'social_bridge_instagram_webhooks_received_total',
    help: 'Instagram webhook notifications by outcome',
    labelNames: ['outcome'] as const,
    registers: [],
  }),
  changes: new Counter({
    name: 'social_bridge_instagram_webhook_changes_total',
    help: 'Changes of verified Instagram webhook notifications by field and outcome',
    labelNames: ['field', 'outcome'] as const,
    registers: [],
  }),
  /** Notification received → every change stored (or refused), seconds. */
  duration: new Histogram({
    name: 'social_bridge_instagram_webhook_ingest_duration_seconds',
    help: 'Time to verify and store an Instagram webhook notification, seconds',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [],
  }),
}

function instagramRefusal(err: unknown): string {
  if (err instanceof WebhookUnauthorizedError) return 'refused_signature'
  if (err instanceof InstagramPayloadInvalidError) return 'refused_payload'
  if (err instanceof WebhookNotStoredError) return 'not_stored'
  return 'error'
}

/** `ingestor`, counting and timing each notification and change in {@link instagramMetrics}. */
export function measuredInstagramIngestor(ingestor: InstagramIngestor): InstagramIngestor {
  return {
    async ingest(signatureHeader, rawBody) {
      const stop = instagramMetrics.duration.startTimer()
      try {
        const changes = await ingestor.ingest(signatureHeader, rawBody)
        for (const c of changes) {
          instagramMetrics.changes.inc({ field: c.field, outcome: c.duplicate ? 'duplicate' : 'stored' })
        }
        const outcome =
          changes.length === 0 ? 'empty' : changes.every((c) => c.duplicate) ? 'duplicate' : 'stored'
        instagramMetrics.notifications.inc({ outcome })
        stop({ outcome })
        return changes
      } catch (err) {
        const outcome = instagramRefusal(err)
        instagramMetrics.notifications.inc({ outcome })
        stop({ outcome })
        throw err
      }
    },
  }
}
