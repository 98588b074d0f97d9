import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Subjects } from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import { createDatabaseBeforeMigration, relayOutboxForTest } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { outbox } from '../../src/db/schema.js'

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url))

t.test('the outbox migration drops published rows and keeps pending ones, in order, per post', async (t) => {
  const db = await createDatabaseBeforeMigration(t, {
    schema: 'publish',
    migrationsFolder,
    tag: '0001_wait_reason',
  })
  const [p1, p2] = [randomUUID(), randomUUID()]
  const event = (type: string, postId: string) => createEnvelope({ type, tenantId: 't1', data: { postId } })
  const sent = event(Subjects.postCreated, p1)
  const pending = [
    event(Subjects.postStatusChanged, p1),
    event(Subjects.postCreated, p2),
    event(Subjects.postPublished, p1),
  ]
  // the old outbox kept published rows, marked with published_at
  for (const e of [sent, ...pending]) {
    const publishedAt = e === sent ? new Date().toISOString() : null
    await db.sql`insert into publish.outbox (id, subject, envelope, published_at)
      values (${e.id}, ${e.type}, ${JSON.stringify(e)}::text::jsonb, ${publishedAt})`
  }

  await db.migrate()

  const left = await db.sql`select id, aggregate_id from publish.outbox order by seq`
  t.same(
    left.map((r) => `${r.aggregate_id}/${r.id}`),
    pending.map((e) => `${(e.data as { postId: string }).postId}/${e.id}`),
    'the published row is gone; the pending ones stay, about their post, in their order',
  )
  const { flushed, byAggregate } = await relayOutboxForTest(t, {
    connectionString: db.connectionString,
    table: outbox,
  })
  t.same(flushed, { published: 3, failed: 0 })
  t.same(byAggregate, { [p1]: [pending[0], pending[2]], [p2]: [pending[1]] }, 'unchanged, each post in order')
})
