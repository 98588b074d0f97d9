import type { Envelope } from '@social-bridge/contracts'
import { createEnvelope, type Database, type EventBus } from '@social-bridge/service-kit'
import { asc, inArray } from 'drizzle-orm'
import { outbox } from '../../db/schema.js'
import type { DbOrTx } from '../../db/types.js'

/** Transactional outbox: an event is stored with its effect and published to JetStream after commit. */
export interface Outbox {
  /** Stores an event (`subject` from contracts `Subjects`) in the caller's transaction. */
  enqueue<D>(db: DbOrTx, subject: string, tenantId: string | null, data: D): Promise<Envelope<D>>
  /**
   * Publishes stored events (JetStream msgID = envelope id, so a re-publish is dropped as a
   * duplicate) and deletes each once acknowledged. Safe across replicas (`FOR UPDATE SKIP LOCKED`).
   * @returns how many were published; throws when NATS did not acknowledge (rows stay for a retry).
   */
  flush(): Promise<number>
}

/** Builds the outbox over the service's database and event bus. */
export function createOutbox(opts: { db: Database; bus: EventBus; batchSize?: number }): Outbox {
  const batchSize = opts.batchSize ?? 200
  return {
    async enqueue(db, subject, tenantId, data) {
      const envelope = createEnvelope({ type: subject, tenantId, data })
      await db.insert(outbox).values({ subject, envelope })
      return envelope
    },
    async flush() {
      let total = 0
      for (;;) {
        const sent = await opts.db.transaction(async (tx) => {
          const rows = await tx
            .select()
            .from(outbox)
            .orderBy(asc(outbox.id))
            .limit(batchSize)
            .for('update', { skipLocked: true })
          if (rows.length === 0) return 0
          await Promise.all(rows.map((r) => opts.bus.publish(r.subject, r.envelope as Envelope)))
          await tx.delete(outbox).where(
            inArray(
              outbox.id,
              rows.map((r) => r.id),
            ),
          )
          return rows.length
        })
        total += sent
        if (sent < batchSize) return total
      }
    },
  }
}
