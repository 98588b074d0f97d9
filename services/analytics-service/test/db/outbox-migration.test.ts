import { randomUUID } from 'node:crypto'
import { Subjects } from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import { migrateOutboxForTest } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { outbox } from '../../src/db/schema.js'

/** `social.metrics.synced` as the old relay built it from an outbox row. */
const synced = (connectionId: string, measuredAt: string, tenantId: string | null) =>
  createEnvelope({
    id: randomUUID(),
    type: Subjects.metricsSynced,
    tenantId,
    occurredAt: new Date(measuredAt),
    data: { connectionId, measuredAt, videoCount: 2, apiCalls: 3 },
  })

t.test(
  'pending metrics events survive the outbox migration as the envelopes the old relay built',
  async (t) => {
    const [a, b] = [randomUUID(), randomUUID()]
    // written out of their time order: the old relay published the oldest occurred_at first
    const later = synced(a, '2030-01-01T10:00:00.250Z', 'tenant-a')
    const earlier = synced(a, '2030-01-01T09:00:00.000Z', 'tenant-a')
    const other = synced(b, '2030-01-01T09:30:00.999Z', null)

    const { rows, flushed, byAggregate } = await migrateOutboxForTest(t, {
      table: outbox,
      before: new URL('../../drizzle/0001_sync_lease_owner_list_cursor.sql', import.meta.url),
      events: [later, earlier, other],
      writeOld: (sql, e) => sql`insert into analytics.outbox (id, subject, tenant_id, data, occurred_at)
        values (${e.id}, ${e.type}, ${e.tenantId}, ${JSON.stringify(e.data)}, ${new Date(e.occurredAt)})`,
    })

    t.same(
      rows.map((r) => r.id),
      [earlier.id, other.id, later.id],
      'seq follows occurred_at',
    )
    t.same(flushed, { published: 3, failed: 0 })
    t.same(byAggregate[a], [earlier, later], "the same envelopes as before, each connection's in order")
    t.same(byAggregate[b], [other])
  },
)
