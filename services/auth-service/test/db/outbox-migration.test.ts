import { randomUUID } from 'node:crypto'
import { Subjects } from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import { migrateOutboxForTest } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { outbox } from '../../src/db/schema.js'

t.test('events pending in the old outbox survive its migration and go out in their order', async (t) => {
  const [a, b] = [randomUUID(), randomUUID()]
  const event = (type: string, connectionId: string) =>
    createEnvelope({ type, tenantId: 't1', data: { connectionId } })
  const connected = event(Subjects.connectionConnected, a)
  const ended = event(Subjects.connectionDisconnected, b)
  const refreshed = event(Subjects.connectionRefreshed, a)

  const { rows, flushed, byAggregate } = await migrateOutboxForTest(t, {
    table: outbox,
    before: new URL('../../drizzle/0002_authorized_at.sql', import.meta.url),
    events: [connected, ended, refreshed],
    // the old outbox: an identity id (the write order) and the envelope as jsonb
    writeOld: (sql, e) =>
      sql`insert into auth.outbox (subject, envelope) values (${e.type}, ${JSON.stringify(e)}::text::jsonb)`,
  })

  t.same(
    rows.map((r) => [r.id, r.aggregateId, r.attempts]),
    [
      [connected.id, a, 0],
      [ended.id, b, 0],
      [refreshed.id, a, 0],
    ],
    'each row is keyed by its event id, about its connection, in the old order',
  )
  t.same(
    { flushed, byAggregate },
    {
      flushed: { published: 3, failed: 0 },
      byAggregate: { [a]: [connected, refreshed], [b]: [ended] },
    },
  )
})
