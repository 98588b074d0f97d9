import type { EventBus } from '@social-bridge/service-kit'
import { WebhookNotStoredError } from '../errors.js'
import { toWebhookMessage } from './webhook-envelope.js'
import type { WebhookVerifier } from './webhook-verifier.js'

/** What happened to a delivery that was answered 200. */
export interface IngestResult {
  /** The envelope id: hex SHA-256 of the raw body. */
  id: string
  /** `tiktok.webhook.<event>` (un-namespaced). */
  subject: string
  /** JetStream stream sequence of the stored message (the first one's, for a duplicate). */
  seq: number
  /** True when the same bytes had already been stored (TikTok redelivered): stored once. */
  duplicate: boolean
}

/** Verify → store in JetStream → only then report success. Plain, so workers and benches reuse it. */
export interface WebhookIngestor {
  /**
   * Verifies the delivery and publishes it on `tiktok.webhook.<event>` with the body's SHA-256
   * as `Nats-Msg-Id`, waiting for the stream's acknowledgement (docs/tiktok-api.md §4.1–§4.3).
   *
   * @throws WebhookUnauthorizedError (401) / WebhookPayloadInvalidError (400) from the verifier;
   *   nothing is published then.
   * @throws WebhookNotStoredError (503) when no ack came within `publishTimeoutMs` (NATS down,
   *   stream missing, or slow): the caller must not answer 200.
   */
  ingest(signatureHeader: string | string[] | undefined, rawBody: Buffer): Promise<IngestResult>
}

/** Creates the ingestor over an event bus (service-kit `createEventBus`, or `app.nats.bus`). */
export function createWebhookIngestor(deps: {
  verifier: WebhookVerifier
  bus: EventBus
  /** Deadline for the JetStream ack, in ms. */
  publishTimeoutMs: number
  /** Clock for `receivedAt`; default `new Date()`. */
  now?: () => Date
}): WebhookIngestor {
  const now = deps.now ?? (() => new Date())
  return {
    async ingest(signatureHeader, rawBody) {
      const event = deps.verifier.verify(signatureHeader, rawBody)
      const { subject, envelope } = toWebhookMessage(rawBody, event, now())
      let ack: { seq: number; duplicate: boolean }
      try {
        ack = await deps.bus.publish(subject, envelope, { timeoutMs: deps.publishTimeoutMs })
      } catch (err) {
        throw new WebhookNotStoredError({ cause: err })
      }
      return { id: envelope.id, subject, seq: ack.seq, duplicate: ack.duplicate }
    },
  }
}
