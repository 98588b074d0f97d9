import t from 'tap'
import type { EventBus } from '../../src/index.js'
import { waitUntil } from '../nats-context.js'
import { event, gatedBus, outboxContext } from './context.js'

type Data = { aggregateId: string; n: number }
const numbersOf = (stored: { data: unknown }[], aggregateId: string) =>
  stored
    .map((e) => e.data as Data)
    .filter((d) => d.aggregateId === aggregateId)
    .map((d) => d.n)

t.test("an aggregate's events are published in write order, over several rounds", async (t) => {
  const ctx = await outboxContext(t)
  const { db, outbox } = ctx.replica({ batchSize: 3 })
  const plan = ['a', 'b', 'a', 'c', 'a', 'b', 'a', 'b', 'c', 'a', 'b']
  const written: Record<string, number> = {}
  for (const id of plan) {
    written[id] = (written[id] ?? 0) + 1
    await db.transaction((tx) => outbox.enqueue(tx, event(id, written[id]!)))
  }

  t.same(await outbox.flush(), { published: plan.length, failed: 0 }, 'one flush takes every round')

  const stored = await ctx.stored()
  t.equal(stored.length, plan.length)
  t.same(numbersOf(stored, 'a'), [1, 2, 3, 4, 5])
  t.same(numbersOf(stored, 'b'), [1, 2, 3, 4])
  t.same(numbersOf(stored, 'c'), [1, 2])
})

t.test(
  'a replica publishes nothing of an aggregate while another replica holds an earlier event of it',
  async (t) => {
    const ctx = await outboxContext(t)
    const gated = gatedBus(ctx.bus)
    const first = ctx.replica({ bus: gated.bus })
    const second = ctx.replica()
    for (const [id, n] of [
      ['a', 1],
      ['a', 2],
      ['b', 1],
    ] as const)
      await first.db.transaction((tx) => first.outbox.enqueue(tx, event(id, n)))
    const held = first.outbox.flush()
    await gated.entered // the first replica holds a1, a2 and b1, and is publishing
    await second.db.transaction((tx) => second.outbox.enqueue(tx, event('a', 3)))
    await second.db.transaction((tx) => second.outbox.enqueue(tx, event('c', 1)))

    t.same(await second.outbox.flush(), { published: 1, failed: 0 }, 'only c1: a3 waits behind a1 and a2')
    t.same(
      (await ctx.stored()).map((e) => e.data),
      [{ aggregateId: 'c', n: 1 }],
    )

    gated.release()
    t.same(await held, { published: 3, failed: 0 })
    t.same(await second.outbox.flush(), { published: 1, failed: 0 }, 'a3 goes once a1 and a2 are out')
    const stored = await ctx.stored()
    t.same(numbersOf(stored, 'a'), [1, 2, 3])
    t.same(numbersOf(stored, 'b'), [1])
  },
)

t.test('replicas relaying side by side publish every event once, each aggregate in order', async (t) => {
  const ctx = await outboxContext(t)
  let publishes = 0
  const counting: EventBus = {
    publish(subject, envelope, opts) {
      publishes++
      return ctx.bus.publish(subject, envelope, opts)
    },
  }
  const replicas = [1, 2, 3].map(() => ctx.replica({ bus: counting, batchSize: 4, sweepMs: 20 }))
  for (const r of replicas) r.outbox.start()
  const aggregates = ['a', 'b', 'c', 'd', 'e', 'f']
  const perAggregate = 12
  // each aggregate's events are written one after another (as a service's writers take turns on a row)
  await Promise.all(
    aggregates.map(async (id, i) => {
      const writer = replicas[i % replicas.length]!
      for (let n = 1; n <= perAggregate; n++) {
        await writer.db.transaction((tx) => writer.outbox.enqueue(tx, event(id, n)))
        writer.outbox.nudge()
      }
    }),
  )
  t.ok(await waitUntil(async () => (await ctx.rows()).length === 0), 'the outbox empties')

  const stored = await ctx.stored()
  t.equal(stored.length, aggregates.length * perAggregate, 'every event is stored')
  t.equal(
    publishes,
    aggregates.length * perAggregate,
    'and was published once: no two replicas took the same row',
  )
  const expected = Array.from({ length: perAggregate }, (_, i) => i + 1)
  for (const id of aggregates) t.same(numbersOf(stored, id), expected, `aggregate ${id} in order`)
})
