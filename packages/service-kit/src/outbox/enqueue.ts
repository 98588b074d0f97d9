import type { Envelope } from '@social-bridge/contracts'
import { getTableConfig } from 'drizzle-orm/pg-core'
import type postgres from 'postgres'
import { createEnvelope } from '../nats/event-bus.js'
import type { Database } from '../plugins/db.js'
import { captureTraceContext } from '../tracing/stored-context.js'
import type { OutboxTable } from './table.js'

/** An event to store in the outbox. */
export interface OutboxEvent<D> {
  /** Un-namespaced subject from contracts `Subjects`; also the envelope `type`. */
  subject: string
  /** What the event is about (a connection id, a post id): its events are published in write order. */
  aggregateId: string
  tenantId: string | null
  data: D
  /** When the fact happened (envelope `occurredAt`). Default: now. */
  occurredAt?: Date
}

/** A drizzle database or transaction (postgres-js driver), e.g. the `tx` of `db.transaction`. */
export type DrizzleExecutor = Pick<Database, 'insert'>
/** A postgres.js client or transaction, e.g. the `tx` of `sql.begin`. */
export type PostgresExecutor = Pick<postgres.ISql, 'unsafe'>
/** Where an event is written: the caller's transaction, in either client. */
export type OutboxExecutor = DrizzleExecutor | PostgresExecutor

/** `"schema"."table"` of a drizzle table, quoted for raw SQL. */
export function qualifiedName(table: OutboxTable): string {
  const { schema, name } = getTableConfig(table)
  const quote = (s: string) => `"${s.replaceAll('"', '""')}"`
  return schema ? `${quote(schema)}.${quote(name)}` : quote(name)
}

/**
 * Writes `event` into `table` through `tx`, so it commits or rolls back with the state it
 * describes; the relay (`createOutbox`) publishes it after the commit. The envelope id is a new
 * UUID, which becomes the row id and the JetStream `Nats-Msg-Id`. The active trace context is
 * stored with it (`trace_context`), so its publish and consumers continue the writer's trace.
 * @returns the envelope as it will be published.
 * @throws the database error of the insert (the caller's transaction then fails with it).
 */
export async function enqueueEvent<D>(
  tx: OutboxExecutor,
  table: OutboxTable,
  event: OutboxEvent<D>,
): Promise<Envelope<D>> {
  const envelope = createEnvelope({
    type: event.subject,
    tenantId: event.tenantId,
    data: event.data,
    occurredAt: event.occurredAt,
  })
  const { subject, aggregateId } = event
  const traceContext = captureTraceContext()
  if ('unsafe' in tx) {
    // `$4::text::jsonb`: postgres.js would JSON-encode a string bound straight to jsonb a second time
    await tx.unsafe(
      `insert into ${qualifiedName(table)} (id, aggregate_id, subject, envelope, trace_context)
       values ($1::uuid, $2::text, $3::text, $4::text::jsonb, $5::text::jsonb)`,
      [
        envelope.id,
        aggregateId,
        subject,
        JSON.stringify(envelope),
        traceContext && JSON.stringify(traceContext),
      ],
    )
  } else {
    await tx.insert(table).values({ id: envelope.id, aggregateId, subject, envelope, traceContext })
  }
  return envelope
}
