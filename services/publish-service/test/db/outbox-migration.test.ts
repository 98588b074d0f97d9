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

t.test('the outbox migration drops published rows and keeps pending ones, in order, per post', async (t) => {
  const connectionString = await createTestDatabase(t)
  await runMigrationsUpTo({ connectionString, schema: 'publish', migrationsFolder, tag: '0001_wait_reason' })
  const sql = postgres(connectionString, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())
  const [p1, p2] = [randomUUID(), randomUUID()]
  const event = (type: string, postId: string) => createEnvelope({ type, tenantId: 't1', data: { postId } })
  const rows = [
    { envelope: event(Subjects.postCreated, p1), published: true },
    { envelope: event(Subjects.postStatusChanged, p1), published: false },
    { envelope: event(Subjects.postCreated, p2), published: false },
    { envelope: event(Subjects.postPublished, p1), published: false },
  ]
  for (const { envelope: e, published } of rows)
    await sql`insert into publish.outbox (id, subject, envelope, published_at)
      values (${e.id}, ${e.type}, ${JSON.stringify(e)}::text::jsonb, ${published ? sql`now()` : null})`

  await runMigrations({ connectionString, schema: 'publish', migrationsFolder })

  const left = await sql`select id, aggregate_id, attempts from publish.outbox order by seq`
  const pending = rows.filter((r) => !r.published).map((r) => r.envelope)
  t.same(
    left.map((r) => [r.id, r.aggregate_id, r.attempts]),
    pending.map((e) => [e.id, (e.data as { postId: string }).postId, 0]),
    'the published row is gone; the pending ones stay, about their post, in their order',
  )
  const { flushed, stored } = await relayOutboxForTest(t, { connectionString, table: outbox })
  t.same(flushed, { published: 3, failed: 0 })
  const about = (id: string) => stored.filter((e) => (e.data as { postId: string }).postId === id)
  t.same(about(p1), [pending[0], pending[2]], "p1's events, unchanged, in their order")
  t.same(about(p2), [pending[1]])
})
