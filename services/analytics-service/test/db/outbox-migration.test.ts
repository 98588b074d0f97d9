import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Subjects } from '@social-bridge/contracts'
import {
  createEnvelope,
  createTestDatabase,
  relayOutboxForTest,
  runMigrations,
  runMigrationsUpTo,
} from '@social-bridge/service-kit'
import postgres from 'postgres'
import t from 'tap'
import { outbox } from '../../src/db/schema.js'

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url))

t.test(
  'pending metrics events survive the outbox migration as the envelopes the old relay built',
  async (t) => {
    const connectionString = await createTestDatabase(t)
    await runMigrationsUpTo({
      connectionString,
      schema: 'analytics',
      migrationsFolder,
      tag: '0001_sync_lease_owner_list_cursor',
    })
    const sql = postgres(connectionString, { max: 1, onnotice: () => {} })
    t.teardown(() => sql.end())
    const [a, b] = [randomUUID(), randomUUID()]
    const synced = (connectionId: string, measuredAt: string, tenantId: string | null) =>
      createEnvelope({
        id: randomUUID(),
        type: Subjects.metricsSynced,
        tenantId,
        occurredAt: new Date(measuredAt),
        data: { connectionId, measuredAt, videoCount: 2, apiCalls: 3 },
      })
    // written out of their time order: the old relay published oldest first (occurred_at)
    const later = synced(a, '2030-01-01T10:00:00.250Z', 'tenant-a')
    const earlier = synced(a, '2030-01-01T09:00:00.000Z', 'tenant-a')
    const other = synced(b, '2030-01-01T09:30:00.999Z', null)
    for (const e of [later, earlier, other])
      await sql`insert into analytics.outbox (id, subject, tenant_id, data, occurred_at)
      values (${e.id}, ${e.type}, ${e.tenantId}, ${JSON.stringify(e.data)}, ${new Date(e.occurredAt)})`

    await runMigrations({ connectionString, schema: 'analytics', migrationsFolder })

    const rows = await sql`select id, aggregate_id, attempts from analytics.outbox order by seq`
    t.same(
      rows.map((r) => [r.id, r.aggregate_id, r.attempts]),
      [
        [earlier.id, a, 0],
        [other.id, b, 0],
        [later.id, a, 0],
      ],
      'in time order, each about its connection',
    )
    const { flushed, stored } = await relayOutboxForTest(t, { connectionString, table: outbox })
    t.same(flushed, { published: 3, failed: 0 })
    const about = (id: string) =>
      stored.filter((e) => (e.data as { connectionId: string }).connectionId === id)
    t.same(about(a), [earlier, later], 'the same envelopes as before, in order')
    t.same(about(b), [other])
  },
)
