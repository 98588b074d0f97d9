import { randomUUID } from 'node:crypto'
import type { EventBus } from '@social-bridge/service-kit'
import { createEnvelope } from '@social-bridge/service-kit'
import type { Sql } from 'postgres'
import type { Queryable } from './db-types.js'

/**
 * Transactional outbox: an event is written in the transaction that stores its fact, and
 * published to JetStream after the commit (envelope id = outbox id, so a re-publish after a crash
 * is dropped by JetStream's duplicate window). Rows are deleted once JetStream acked them.
 */
export interface Outbox {
  /** Queues an event in the caller's transaction; returns its envelope id. */
  enqueue(
    q: Queryable,
    event: { subject: string; tenantId: string | null; data: unknown; occurredAt: Date },
  ): Promise<string>
  /**
   * Publishes pending events (oldest first, at most `limit`), each row locked so replicas do
   * not publish it twice at once. Stops at the first failure (rows stay for the next flush).
   * @returns how many were published, and the publish error that stopped it, if any.
   */
  flush(bus: EventBus, limit?: number): Promise<{ published: number; error?: unknown }>
}

export function createOutbox({ sql }: { sql: Sql }): Outbox {
  return {
    async enqueue(q, e) {
      const id = randomUUID()
      await q`
        insert into analytics.outbox (id, subject, tenant_id, data, occurred_at)
        values (${id}, ${e.subject}, ${e.tenantId}, ${JSON.stringify(e.data)}, ${e.occurredAt})`
      return id
    },

    async flush(bus, limit = 100) {
      return sql.begin(async (tx) => {
        const rows = await tx<
          { id: string; subject: string; tenantId: string | null; data: string; occurredAt: Date }[]
        >`
          select id, subject, tenant_id as "tenantId", data, occurred_at as "occurredAt"
          from analytics.outbox order by occurred_at limit ${limit} for update skip locked`
        let published = 0
        let error: unknown
        for (const r of rows) {
          const envelope = createEnvelope({
            id: r.id,
            type: r.subject,
            tenantId: r.tenantId,
            data: JSON.parse(r.data) as unknown,
            occurredAt: r.occurredAt,
          })
          try {
            await bus.publish(r.subject, envelope)
          } catch (err) {
            error = err
            break
          }
          await tx`delete from analytics.outbox where id = ${r.id}`
          published++
        }
        return { published, error }
      })
    },
  }
}
