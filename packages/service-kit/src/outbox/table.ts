import type { Envelope } from '@social-bridge/contracts'
import { bigserial, index, integer, jsonb, type PgSchema, text, uuid } from 'drizzle-orm/pg-core'
import { columns } from '../db/columns.js'
import type { StoredTraceContext } from '../tracing/stored-context.js'

/**
 * A service's outbox table in its own schema (ARCHITECTURE.md "Data ownership"). Declare it in
 * the service's `src/db/schema.ts`, `export const outbox = outboxTable(auth)`, so drizzle-kit
 * generates it. A row is an event not yet acknowledged by JetStream; it is deleted once it is.
 *
 * - `id`: the envelope id, sent as `Nats-Msg-Id`.
 * - `seq`: write order; an aggregate's events go out in `seq` order.
 * - `aggregate_id`: what the event is about (a connection id, a post id); the unit of ordering.
 * - `subject` (un-namespaced, from contracts `Subjects`) and `envelope` (the whole event, jsonb).
 * - `attempts`, `next_attempt_at`, `last_error`: failed publishes so far, when the next one may
 *   run (null: now), and why the last one failed (a JetStream error message, no payload data).
 * - `trace_context`: the trace the event was written in (W3C `traceparent`/`tracestate` as the
 *   propagator's text map; null when tracing is off), continued by the relay's publish and so by
 *   the consumers (docs/operations.md "Tracing").
 */
export function outboxTable(schema: PgSchema, name = 'outbox') {
  return schema.table(
    name,
    {
      id: uuid('id').primaryKey(),
      seq: bigserial('seq', { mode: 'number' }).notNull(),
      aggregateId: text('aggregate_id').notNull(),
      subject: text('subject').notNull(),
      envelope: jsonb('envelope').$type<Envelope>().notNull(),
      createdAt: columns.createdAt(),
      attempts: integer('attempts').notNull().default(0),
      nextAttemptAt: columns.timestamptz('next_attempt_at'),
      lastError: text('last_error'),
      traceContext: jsonb('trace_context').$type<StoredTraceContext>(),
    },
    (t) => [index(`${name}_seq_idx`).on(t.seq), index(`${name}_aggregate_seq_idx`).on(t.aggregateId, t.seq)],
  )
}

/** The table {@link outboxTable} declares. */
export type OutboxTable = ReturnType<typeof outboxTable>
