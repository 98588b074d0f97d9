import type { EventBus } from '@social-bridge/service-kit'
import { WebhookNotStoredError } from '../../errors.js'
import { toInstagramMessage } from './envelope.js'
import type { InstagramVerifier } from './verifier.js'

/** What happened to one change of a notification answered 200. */
export interface StoredChange {
  /** The change's dedupe id (envelope id and `Nats-Msg-Id`). */
  id: string
  /** `instagram.webhook.<field>` (un-namespaced). */
  subject: string
  /** Meta's field name. */
  field: string
  seq: number
  /** True when the same change was stored before (a retry or replay): stored once. */
  duplicate: boolean
}

/** Verify → store every change in JetStream → only then report success. */
export interface InstagramIngestor {
  /**
   * Verifies the notification and publishes each change on `instagram.webhook.<field>`, waiting
   * for the stream's ack of every one (docs/instagram-api.md "Webhooks").
   *
   * @returns the changes, in order (empty for a notification without changes).
   * @throws WebhookUnauthorizedError (401) / InstagramPayloadInvalidError (400) from the
   *   verifier; nothing is published then.
   * @throws WebhookNotStoredError (503) when any change was not acknowledged within
   *   `publishTimeoutMs`: Meta retries the whole notification, and the changes already stored
   *   are then duplicates.
   */
  ingest(signatureHeader: string | string[] | undefined, rawBody: Buffer): Promise<StoredChange[]>
}

/** Creates the ingestor over an event bus (coalesced `app.nats.bus`). */
export function createInstagramIngestor(deps: {
  verifier: InstagramVerifier
  bus: EventBus
  /** Deadline for each JetStream ack, ms. */
  publishTimeoutMs: number
  now?: () => Date
}): InstagramIngestor {
  const now = deps.now ?? (() => new Date())
  return {
    async ingest(signatureHeader, rawBody) {
      const changes = deps.verifier.verify(signatureHeader, rawBody)
      const receivedAt = now()
      const messages = changes.map((c) => toInstagramMessage(c, receivedAt))
      const acks = await Promise.allSettled(
        messages.map((m) => deps.bus.publish(m.subject, m.envelope, { timeoutMs: deps.publishTimeoutMs })),
      )
      const failed = acks.find((a) => a.status === 'rejected')
      if (failed) throw new WebhookNotStoredError({ cause: failed.reason })
      return messages.map((m, i) => {
        const ack = (acks[i] as PromiseFulfilledResult<{ seq: number; duplicate: boolean }>).value
        return {
          id: m.envelope.id,
          subject: m.subject,
          field: m.envelope.data.field,
          seq: ack.seq,
          duplicate: ack.duplicate,
        }
      })
    },
  }
}
