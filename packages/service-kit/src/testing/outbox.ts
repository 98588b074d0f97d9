import { basename, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { type AnyEnvelope, namespacedStream, Streams } from '@social-bridge/contracts'
import { getTableConfig } from 'drizzle-orm/pg-core'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres, { type Sql } from 'postgres'
import { createEventBus } from '../nats/event-bus.js'
import { ensureStreams } from '../nats/streams.js'
import { qualifiedName } from '../outbox/enqueue.js'
import { createOutbox, type FlushResult } from '../outbox/index.js'
import type { OutboxTable } from '../outbox/table.js'
import type { Database } from '../plugins/db.js'
import { createDatabaseBeforeMigration } from './migrations.js'
import { createTestNamespace, TEST_NATS_URL } from './nats.js'
import type { Teardownable } from './teardown.js'

/**
 * Relays a service's outbox once (`createOutbox(...).flush()`) into a fresh NATS namespace with
 * the SOCIAL_EVENTS stream, e.g. after a migration test wrote rows in an older shape.
 * @returns the flush result, and the envelopes the stream then holds, by the `aggregate_id` their
 *   row had (each aggregate's in stream order).
 */
export async function relayOutboxForTest(
  t: Teardownable,
  opts: { connectionString: string; table: OutboxTable },
): Promise<{ flushed: FlushResult; byAggregate: Record<string, AnyEnvelope[]> }> {
  const namespace = createTestNamespace(t)
  const nc = await connect({ servers: TEST_NATS_URL })
  const sql = postgres(opts.connectionString, { max: 2, onnotice: () => {} })
  try {
    const jsm = await jetstreamManager(nc)
    await ensureStreams(jsm, [Streams.socialEvents], namespace)
    const outbox = createOutbox({
      db: drizzle(sql) as Database,
      table: opts.table,
      bus: createEventBus(nc, namespace),
    })
    const rows = await sql.unsafe<{ id: string; aggregateId: string }[]>(
      `select id, aggregate_id as "aggregateId" from ${qualifiedName(opts.table)}`,
    )
    const aggregateOf = new Map(rows.map((r) => [r.id, r.aggregateId]))
    const flushed = await outbox.flush()
    const stream = namespacedStream(namespace, Streams.socialEvents).name
    const { messages } = (await jsm.streams.info(stream)).state
    const byAggregate: Record<string, AnyEnvelope[]> = {}
    for (let seq = 1; seq <= messages; seq++) {
      const envelope = (await jsm.streams.getMessage(stream, { seq }))?.json<AnyEnvelope>()
      if (!envelope) continue
      const aggregate = aggregateOf.get(envelope.id) ?? '(not from the outbox)'
      byAggregate[aggregate] = [...(byAggregate[aggregate] ?? []), envelope]
    }
    return { flushed, byAggregate }
  } finally {
    await sql.end({ timeout: 5 })
    await nc.close()
  }
}

/** An outbox row as {@link migrateOutboxForTest} reads it after the migration. */
export interface MigratedOutboxRow {
  id: string
  aggregateId: string
  attempts: number
}

/**
 * A service's outbox migration as the new version meets it: a database whose migrations stop at
 * `before` (a migration file of the service's drizzle folder, `createDatabaseBeforeMigration`),
 * `events` written there one by one, in order, by `writeOld` in the old outbox's shape; then the
 * later migrations are applied, the outbox's rows read in `seq` order, and relayed once
 * (`relayOutboxForTest`). The schema is the table's.
 * @returns the rows after the migration, and the relay's result.
 */
export async function migrateOutboxForTest(
  t: Teardownable,
  opts: {
    table: OutboxTable
    before: URL
    events: AnyEnvelope[]
    writeOld: (sql: Sql, event: AnyEnvelope) => PromiseLike<unknown>
  },
): Promise<{ rows: MigratedOutboxRow[] } & Awaited<ReturnType<typeof relayOutboxForTest>>> {
  const file = fileURLToPath(opts.before)
  const db = await createDatabaseBeforeMigration(t, {
    schema: getTableConfig(opts.table).schema ?? 'public',
    migrationsFolder: dirname(file),
    tag: basename(file, '.sql'),
  })
  for (const event of opts.events) await opts.writeOld(db.sql, event)
  await db.migrate()
  const rows = await db.sql.unsafe<MigratedOutboxRow[]>(
    `select id, aggregate_id as "aggregateId", attempts from ${qualifiedName(opts.table)} order by seq`,
  )
  const relayed = await relayOutboxForTest(t, { connectionString: db.connectionString, table: opts.table })
  return { rows: [...rows], ...relayed }
}
