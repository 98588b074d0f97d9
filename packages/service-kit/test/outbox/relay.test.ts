import t from 'tap'
import { waitUntil } from '../nats-context.js'
import { event, gatedBus, outboxContext } from './context.js'

t.test('a nudge after a commit publishes at once, without waiting for the sweep', async (t) => {
  const ctx = await outboxContext(t)
  const { db, outbox } = ctx.replica({ sweepMs: 600_000 })
  await db.transaction((tx) => outbox.enqueue(tx, event('a', 1)))
  outbox.start()
  t.ok(await waitUntil(async () => (await ctx.stored()).length === 1), 'the start publishes what is pending')

  await db.transaction((tx) => outbox.enqueue(tx, event('a', 2)))
  outbox.nudge()

  t.ok(await waitUntil(async () => (await ctx.stored()).length === 2), 'the nudge published a2')
})

t.test('the sweep publishes events no one nudged for (another replica, a crash)', async (t) => {
  const ctx = await outboxContext(t)
  const relay = ctx.replica({ sweepMs: 25 })
  relay.outbox.start()
  const writer = ctx.replica() // never started: it writes and forgets
  await writer.db.transaction((tx) => writer.outbox.enqueue(tx, event('a', 1)))

  t.ok(await waitUntil(async () => (await ctx.stored()).length === 1))
  // the row goes in the transaction that published it, which may commit just after the ack
  t.ok(await waitUntil(async () => (await ctx.rows()).length === 0), 'the published row is deleted')
  t.same(await ctx.stored().then((s) => s.length), 1, 'published once')
})

t.test('stop waits for the round in progress to finish', async (t) => {
  const ctx = await outboxContext(t)
  const gated = gatedBus(ctx.bus)
  const { db, outbox } = ctx.replica({ bus: gated.bus, sweepMs: 25 })
  await db.transaction((tx) => outbox.enqueue(tx, event('a', 1)))
  outbox.start()
  await gated.entered
  let stopped = false
  const stopping = outbox.stop().then(() => {
    stopped = true
  })
  await new Promise((r) => setImmediate(r))
  t.equal(stopped, false, 'still publishing')

  gated.release()
  await stopping
  t.same(await ctx.rows(), [], 'the round committed before stop resolved')
  t.equal((await ctx.stored()).length, 1)
})
