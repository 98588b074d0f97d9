import { randomUUID } from 'node:crypto'
import { Subjects } from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import { migrateOutboxForTest } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { outbox } from '../../src/db/schema.js'

t.test('the outbox migration drops published rows and keeps pending ones, in order, per post', async (t) => {
  const [p1, p2] = [randomUUID(), randomUUID()]
  const event = (type: string, postId: string) => createEnvelope({ type, tenantId: 't1', data: { postId } })
  const sent = event(Subjects.postCreated, p1)
  const pending = [
    event(Subjects.postStatusChanged, p1),
    event(Subjects.postCreated, p2),
    event(Subjects.postPublished, p1),
  ]

  const { rows, flushed, byAggregate } = await migrateOutboxForTest(t, {
    table: outbox,
    before: new URL('../../drizzle/0001_wait_reason.sql', import.meta.url),
    events: [sent, ...pending],
    // the old outbox kept published rows, marked with published_at
    writeOld: (sql, e) => sql`insert into publish.outbox (id, subject, envelope, published_at)
      values (${e.id}, ${e.type}, ${JSON.stringify(e)}::text::jsonb, ${e === sent ? new Date().toISOString() : null})`,
  })

  t.same(
    rows.map((r) => `${r.aggregateId}/${r.id}`),
    pending.map((e) => `${(e.data as { postId: string }).postId}/${e.id}`),
    'the published row is gone; the pending ones stay, about their post, in their order',
  )
  t.same(flushed, { published: 3, failed: 0 })
  t.same(byAggregate, { [p1]: [pending[0], pending[2]], [p2]: [pending[1]] }, 'unchanged, each post in order')
})
