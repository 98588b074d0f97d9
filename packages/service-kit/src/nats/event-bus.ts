import { randomUUID } from 'node:crypto'
import type { NatsConnection } from '@nats-io/transport-node'
import { type Envelope, namespacedSubject } from '@social-bridge/contracts'
import { createJetStreamPublisher } from './jetstream-publisher.js'

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

/** An EventBus over `nc` (JetStream publishes, see `createJetStreamPublisher`), prefixing subjects with `namespace` (empty in production). */
export function createEventBus(nc: NatsConnection, namespace = '', defaultTimeoutMs = 5000): EventBus {
  const publisher = createJetStreamPublisher(nc)
  return {
    publish(subject, envelope, opts) {
      return publisher.publish(namespacedSubject(namespace, subject), Buffer.from(JSON.stringify(envelope)), {
        msgId: envelope.id,
        timeoutMs: opts?.timeoutMs ?? defaultTimeoutMs,
      })
    },
  }
}
