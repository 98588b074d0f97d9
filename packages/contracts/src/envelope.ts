import { type Static, type TSchema, Type } from 'typebox'
import { Nullable } from './common.js'
import { IsoDateTime } from './date-time.js'

/**
 * The envelope every event on NATS JetStream carries (ARCHITECTURE.md "Events").
 *
 * - `id`: unique per event; publishers use it as the JetStream `Nats-Msg-Id`, so a re-publish
 *   within the stream's duplicate window is stored once.
 * - `type`: the event type, equal to the subject without any namespace, e.g.
 *   `social.post.published`.
 * - `version`: the payload schema version (integer, starts at 1).
 * - `occurredAt`: ISO 8601 timestamp of when the fact happened (not when it was published).
 * - `tenantId`: the CRM tenant the event belongs to (`null` only for facts that cannot be tied
 *   to a tenant yet, such as a raw TikTok webhook).
 * - `data`: the payload, whose schema is fixed by `type` and `version`.
 */
export const EventEnvelope = <T extends TSchema>(data: T) =>
  Type.Object({
    id: Type.String({ minLength: 1, maxLength: 128 }),
    type: Type.String({ minLength: 1 }),
    version: Type.Integer({ minimum: 1 }),
    occurredAt: IsoDateTime,
    tenantId: Nullable(Type.String({ minLength: 1 })),
    data,
  })

/** An envelope whose payload has not been narrowed yet. */
export const AnyEventEnvelope = EventEnvelope(Type.Unknown())

/** TypeScript shape of an envelope carrying payload `D`. */
export interface Envelope<D = unknown> {
  id: string
  type: string
  version: number
  occurredAt: string
  tenantId: string | null
  data: D
}

export type AnyEnvelope = Static<typeof AnyEventEnvelope>
