import { fileURLToPath } from 'node:url'
import { jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { type AnyEnvelope, namespacedStream, namespacedSubject, Streams } from '@social-bridge/contracts'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres, { type Sql } from 'postgres'
import {
  createEventBus,
  createOutbox,
  type Database,
  type EventBus,
  type Outbox,
  type OutboxOptions,
  runMigrations,
} from '../../src/index.js'
import { createTestDatabase, type Teardownable } from '../../src/testing/index.js'
import { outbox } from '../fixtures/outbox/schema.js'
import { natsForTest } from '../nats-context.js'

const migrationsFolder = fileURLToPath(new URL('../fixtures/outbox/drizzle', import.meta.url))

/** One process's view: its own pool, drizzle database and outbox over the shared table. */
export interface Replica {
  sql: Sql
  db: Database
  outbox: Outbox
}

/** A test database with the fixture outbox table, a NATS namespace with the system's streams, and replicas. */
export interface OutboxContext {
  url: string
  nc: NatsConnection
  namespace: string
  bus: EventBus
  /** Opens another replica (pool + outbox); the outbox options default to this context's bus. */
  replica(opts?: Partial<Omit<OutboxOptions, 'db' | 'table'>>): Replica
  /** The rows left in the outbox, in `seq` order. */
  rows(): Promise<
    {
      id: string
      aggregateId: string
      attempts: number
      due: boolean
      lastError: string | null
      /** `envelope->>'id'` (null unless the envelope is stored as a jsonb object). */
      envelopeId: string | null
    }[]
  >
  /** Every message stored so far on `filter` (un-namespaced) in SOCIAL_EVENTS, in stream order. */
  stored(filter?: string): Promise<AnyEnvelope[]>
}

export async function outboxContext(t: Teardownable): Promise<OutboxContext> {
  const url = await createTestDatabase(t)
  await runMigrations({ connectionString: url, schema: 'kit_outbox', migrationsFolder })
  const { nc, namespace } = await natsForTest(t)
  const bus = createEventBus(nc, namespace, 2000)
  const replica = (opts: Partial<Omit<OutboxOptions, 'db' | 'table'>> = {}): Replica => {
    const sql = postgres(url, { max: 4, onnotice: () => {} })
    const db = drizzle(sql) as Database
    const box = createOutbox({ db, table: outbox, bus, ...opts })
    t.teardown(async () => {
      await box.stop()
      await sql.end({ timeout: 5 })
    })
    return { sql, db, outbox: box }
  }
  const reader = replica()
  return {
    url,
    nc,
    namespace,
    bus,
    replica,
    rows: () =>
      reader.sql<
        Awaited<ReturnType<OutboxContext['rows']>>
      >`select id, aggregate_id as "aggregateId", attempts, last_error as "lastError", envelope->>'id' as "envelopeId",
                   coalesce(next_attempt_at <= now(), true) as due
                 from kit_outbox.outbox order by seq`,
    async stored(filter = 'social.>') {
      const js = jetstream(nc)
      const stream = namespacedStream(namespace, Streams.socialEvents).name
      const consumer = await js.consumers.get(stream, {
        filter_subjects: namespacedSubject(namespace, filter),
      })
      const out: AnyEnvelope[] = []
      for (;;) {
        const msg = await consumer.next({ expires: 1000 })
        if (!msg) return out
        out.push(msg.json<AnyEnvelope>())
        if (msg.info.pending === 0) return out
      }
    },
  }
}

/** A bus whose publishes wait at a gate: `entered` resolves at the first one, `release()` opens it. */
export function gatedBus(bus: EventBus): { bus: EventBus; entered: Promise<void>; release(): void } {
  let enter!: () => void
  let open!: () => void
  const entered = new Promise<void>((r) => {
    enter = r
  })
  const gate = new Promise<void>((r) => {
    open = r
  })
  return {
    entered,
    release: () => open(),
    bus: {
      async publish(subject, envelope, opts) {
        enter()
        await gate
        return bus.publish(subject, envelope, opts)
      },
    },
  }
}

/** An event of `aggregateId` numbered `n` on `subject` (default `social.post.status_changed`). */
export const event = (aggregateId: string, n: number, subject = 'social.post.status_changed') => ({
  subject,
  aggregateId,
  tenantId: 'tenant-a',
  data: { aggregateId, n },
})

export { outbox as table }
