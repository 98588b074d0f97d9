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

t.test('events pending in the old outbox survive its migration and go out in their order', async (t) => {
  const connectionString = await createTestDatabase(t)
  await runMigrationsUpTo({ connectionString, schema: 'auth', migrationsFolder, tag: '0002_authorized_at' })
  const sql = postgres(connectionString, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())
  const [a, b] = [randomUUID(), randomUUID()]
  const pending = [
    createEnvelope({ type: Subjects.connectionConnected, tenantId: 't1', data: { connectionId: a } }),
    createEnvelope({ type: Subjects.connectionDisconnected, tenantId: 't1', data: { connectionId: b } }),
    createEnvelope({ type: Subjects.connectionRefreshed, tenantId: 't1', data: { connectionId: a } }),
  ]
  for (const e of pending)
    await sql`insert into auth.outbox (subject, envelope) values (${e.type}, ${JSON.stringify(e)}::text::jsonb)`

  await runMigrations({ connectionString, schema: 'auth', migrationsFolder })

  const rows = await sql`select id, aggregate_id, attempts from auth.outbox order by seq`
  t.same(
    rows.map((r) => [r.id, r.aggregate_id, r.attempts]),
    [
      [pending[0]!.id, a, 0],
      [pending[1]!.id, b, 0],
      [pending[2]!.id, a, 0],
    ],
    'each row is keyed by its event id, about its connection, in the old order',
  )
  const { flushed, stored } = await relayOutboxForTest(t, { connectionString, table: outbox })
  t.same(flushed, { published: 3, failed: 0 })
  const about = (id: string) => stored.filter((e) => (e.data as { connectionId: string }).connectionId === id)
  t.same(about(a), [pending[0], pending[2]], "a's events, unchanged, in their order")
  t.same(about(b), [pending[1]])
})
