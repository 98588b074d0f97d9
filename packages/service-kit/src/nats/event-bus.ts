import { randomUUID } from 'node:crypto'
import type { JetStreamClient } from '@nats-io/jetstream'
import { type Envelope, namespacedSubject } from '@social-bridge/contracts'

/** Builds an envelope (ARCHITECTURE.md "Events"); `id` defaults to a new UUID, `occurredAt` to now. */
export function createEnvelope<D>(input: {
  type: string
  tenantId: string | null
  data: D
  id?: string
  version?: number
  occurredAt?: Date
}): Envelope<D> {
  return {
    id: input.id ?? randomUUID(),
    type: input.type,
    version: input.version ?? 1,
    occurredAt: (input.occurredAt ?? new Date()).toISOString(),
    tenantId: input.tenantId,
    data: input.data,
  }
}

/** Publishes envelopes to JetStream and waits for the stream's acknowledgement. */
export interface EventBus {
  /**
   * Publishes `envelope` on `subject` (un-namespaced, e.g. `social.post.published`) with the
   * envelope id as `Nats-Msg-Id`, so a re-publish inside the duplicate window is stored once.
   * @returns `duplicate: true` when JetStream had already stored this id.
   * @throws when no stream acknowledged within `timeoutMs` (the caller must not treat the event as stored).
   */
  publish(
    subject: string,
    envelope: Envelope,
    opts?: { timeoutMs?: number },
  ): Promise<{ seq: number; duplicate: boolean }>
}

/** An EventBus over `js`, prefixing subjects with `namespace` (empty in production). */
export function createEventBus(js: JetStreamClient, namespace = '', defaultTimeoutMs = 5000): EventBus {
  return {
    async publish(subject, envelope, opts) {
      const ack = await js.publish(namespacedSubject(namespace, subject), JSON.stringify(envelope), {
        msgID: envelope.id,
        timeout: opts?.timeoutMs ?? defaultTimeoutMs,
      })
      return { seq: ack.seq, duplicate: ack.duplicate }
    },
  }
}
