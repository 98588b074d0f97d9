import postgres from 'postgres'
import t from 'tap'
import { event, outboxContext } from './context.js'

t.test('an event enqueued in a transaction that rolls back is neither kept nor published', async (t) => {
  const ctx = await outboxContext(t)
  const { db, outbox } = ctx.replica()
  await t.rejects(
    db.transaction(async (tx) => {
      await outbox.enqueue(tx, event('post-1', 1))
      throw new Error('the change failed')
    }),
    /the change failed/,
  )
  t.same(await ctx.rows(), [])
  t.same(await outbox.flush(), { published: 0, failed: 0 })
  t.same(await ctx.stored(), [])
})

t.test('a committed event is published with its id as Nats-Msg-Id, then its row is deleted', async (t) => {
  const ctx = await outboxContext(t)
  const { db, outbox } = ctx.replica()
  const envelope = await db.transaction((tx) => outbox.enqueue(tx, event('post-1', 1)))
  t.match(envelope, {
    type: 'social.post.status_changed',
    version: 1,
    tenantId: 'tenant-a',
    data: { aggregateId: 'post-1', n: 1 },
  })
  t.same(
    (await ctx.rows()).map((r) => [r.id, r.envelopeId]),
    [[envelope.id, envelope.id]],
    'the row id is the envelope id, and the envelope a jsonb object',
  )

  t.same(await outbox.flush(), { published: 1, failed: 0 })

  t.same(await ctx.stored(), [envelope])
  t.same(await ctx.rows(), [], 'the row is gone once JetStream acknowledged it')
  const again = await ctx.bus.publish(envelope.type, envelope)
  t.equal(again.duplicate, true, 'JetStream knows the event by its id')
})

t.test('an event written in a postgres.js transaction is stored and published the same way', async (t) => {
  const ctx = await outboxContext(t)
  const { outbox } = ctx.replica()
  // a client of its own, with postgres.js's own type handling (drizzle changes that of the one it wraps)
  const sql = postgres(ctx.url, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())
  const occurredAt = new Date('2030-01-02T03:04:05.678Z')
  const envelope = await sql.begin((tx) => outbox.enqueue(tx, { ...event('account-1', 1), occurredAt }))
  t.equal(envelope.occurredAt, '2030-01-02T03:04:05.678Z')
  t.same(
    (await ctx.rows()).map((r) => [r.id, r.envelopeId]),
    [[envelope.id, envelope.id]],
    'stored as a jsonb object, not a JSON string',
  )
  await t.rejects(
    sql.begin(async (tx) => {
      await outbox.enqueue(tx, event('account-1', 2))
      throw new Error('rolled back')
    }),
  )

  t.same(await outbox.flush(), { published: 1, failed: 0 })

  t.same(await ctx.stored(), [envelope], 'only the committed event, exactly as enqueued')
})
