import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Subjects } from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import { createDatabaseBeforeMigration, relayOutboxForTest } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { outbox } from '../../src/db/schema.js'

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url))

t.test('events pending in the old outbox survive its migration and go out in their order', async (t) => {
  const db = await createDatabaseBeforeMigration(t, {
    schema: 'auth',
    migrationsFolder,
    tag: '0002_authorized_at',
  })
  const [a, b] = [randomUUID(), randomUUID()]
  const connected = createEnvelope({
    type: Subjects.connectionConnected,
    tenantId: 't1',
    data: { connectionId: a },
  })
  const ended = createEnvelope({
    type: Subjects.connectionDisconnected,
    tenantId: 't1',
    data: { connectionId: b },
  })
  const refreshed = createEnvelope({
    type: Subjects.connectionRefreshed,
    tenantId: 't1',
    data: { connectionId: a },
  })
  // the old outbox: an identity id (the write order) and the envelope as jsonb
  for (const e of [connected, ended, refreshed])
    await db.sql`insert into auth.outbox (subject, envelope) values (${e.type}, ${JSON.stringify(e)}::text::jsonb)`

  await db.migrate()

  const rows = await db.sql`select id, aggregate_id, attempts from auth.outbox order by seq`
  t.same(
    rows.map((r) => [r.id, r.aggregate_id, r.attempts]),
    [
      [connected.id, a, 0],
      [ended.id, b, 0],
      [refreshed.id, a, 0],
    ],
    'each row is keyed by its event id, about its connection, in the old order',
  )
  const relayed = await relayOutboxForTest(t, { connectionString: db.connectionString, table: outbox })
  t.same(relayed, {
    flushed: { published: 3, failed: 0 },
    byAggregate: { [a]: [connected, refreshed], [b]: [ended] },
  })
})
