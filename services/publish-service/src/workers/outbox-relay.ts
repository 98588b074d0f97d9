import type { Envelope } from '@social-bridge/contracts'
import type { Database, EventBus } from '@social-bridge/service-kit'
import { asc, inArray, isNull } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import { outbox } from '../db/schema.js'

/** A running relay. */
export interface OutboxRelay {
  nudge(): void
  stop(): Promise<void>
}

const BATCH = 100

/**
 * Publishes outbox rows to JetStream in order (`Nats-Msg-Id` = envelope id, so a row published
 * twice after a crash is stored once) and marks them published in the same transaction that
 * locked them (`FOR UPDATE SKIP LOCKED`: replicas share the work). A NATS outage leaves the rows
 * pending; they go out when it is back.
 */
export function startOutboxRelay(opts: {
  db: Database
  bus: EventBus
  log: FastifyBaseLogger
  intervalMs?: number
}): OutboxRelay {
  let stopped = false
  let wake: (() => void) | undefined
  let pending = false
  const nudge = () => {
    pending = true
    wake?.()
  }
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pending || stopped) return resolve()
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
      wake = done
    })

  const drainOnce = () =>
    opts.db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(outbox)
        .where(isNull(outbox.publishedAt))
        .orderBy(asc(outbox.seq))
        .limit(BATCH)
        .for('update', { skipLocked: true })
      for (const row of rows) await opts.bus.publish(row.subject, row.envelope as Envelope)
      if (rows.length > 0) {
        await tx
          .update(outbox)
          .set({ publishedAt: new Date() })
          .where(
            inArray(
              outbox.id,
              rows.map((r) => r.id),
            ),
          )
      }
      return rows.length
    })

  const loop = (async () => {
    while (!stopped) {
      pending = false
      let sent = 0
      try {
        sent = await drainOnce()
      } catch (err) {
        opts.log.warn({ err }, 'outbox relay: publish failed; will retry')
      }
      if (sent < BATCH) await idle(opts.intervalMs ?? 1000)
    }
  })()

  return {
    nudge,
    async stop() {
      stopped = true
      wake?.()
      await loop
    },
  }
}
