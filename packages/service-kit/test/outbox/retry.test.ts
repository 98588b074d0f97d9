import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { namespacedStream, Streams } from '@social-bridge/contracts'
import t from 'tap'
import { createEventBus, ensureStreams, retryDelayMs } from '../../src/index.js'
import { startPrivateNats } from '../../src/testing/index.js'
import { waitUntil } from '../nats-context.js'
import { event, outboxContext } from './context.js'

/** A subject no stream of the namespace captures: publishing on it fails (`no_stream`) until one does. */
const ORPHAN = 'kit.orphan.created'

t.test('a failed publish keeps its event and holds back its aggregate, not the others', async (t) => {
  const ctx = await outboxContext(t)
  const { db, outbox } = ctx.replica({ retry: { baseMs: 60_000, maxMs: 60_000 } })
  await db.transaction((tx) => outbox.enqueue(tx, event('a', 1, ORPHAN)))
  await db.transaction((tx) => outbox.enqueue(tx, event('a', 2)))
  await db.transaction((tx) => outbox.enqueue(tx, event('b', 1)))

  const result = await outbox.flush()

  t.match(result, { published: 1, failed: 1, error: { name: 'JetStreamPublishError', reason: 'no_stream' } })
  t.match(await ctx.rows(), [
    { aggregateId: 'a', attempts: 1, due: false, lastError: /no stream/ },
    { aggregateId: 'a', attempts: 0, due: true, lastError: null },
  ])
  t.same(
    (await ctx.stored()).map((e) => e.data),
    [{ aggregateId: 'b', n: 1 }],
    'b went out; a2 waits behind a1',
  )
  t.same(await outbox.flush(), { published: 0, failed: 0 }, 'a1 is not retried before its backoff ends')
  t.equal((await ctx.rows())[0]?.attempts, 1)
})

t.test('retry delays double from the base up to the cap', async (t) => {
  const backoff = { baseMs: 500, maxMs: 3000 }
  t.same(
    [1, 2, 3, 4, 5, 10].map((n) => retryDelayMs(backoff, n)),
    [500, 1000, 2000, 3000, 3000, 3000],
  )
})

t.test('a failing event is retried until it goes out, then its aggregate follows in order', async (t) => {
  const ctx = await outboxContext(t)
  const { db, outbox } = ctx.replica({ retry: { baseMs: 20, maxMs: 80 }, sweepMs: 20 })
  await db.transaction((tx) => outbox.enqueue(tx, event('a', 1, ORPHAN)))
  await db.transaction((tx) => outbox.enqueue(tx, event('a', 2, ORPHAN)))
  await db.transaction((tx) => outbox.enqueue(tx, event('b', 1)))
  outbox.start()
  t.ok(await waitUntil(async () => ((await ctx.rows())[0]?.attempts ?? 0) >= 3), 'retried, not dropped')
  t.equal((await ctx.rows()).length, 2, 'a1 and a2 are still there')

  const jsm = await jetstreamManager(ctx.nc)
  const orphans = `${ctx.namespace.toUpperCase()}_ORPHANS` // removed with the namespace's streams
  await jsm.streams.add({ name: orphans, subjects: [`${ctx.namespace}.kit.orphan.>`] })
  t.ok(
    await waitUntil(async () => (await ctx.rows()).length === 0),
    'the outbox empties once a stream listens',
  )

  const stored = await Promise.all([1, 2].map((seq) => jsm.streams.getMessage(orphans, { seq })))
  t.same(
    stored.map((m) => m?.json<{ data: unknown }>().data),
    [1, 2].map((n) => ({ aggregateId: 'a', n })),
    'a1 then a2',
  )
})

t.test('an event published before a crash left its row is stored once when relayed again', async (t) => {
  const ctx = await outboxContext(t)
  const { db, outbox } = ctx.replica()
  const envelope = await db.transaction((tx) => outbox.enqueue(tx, event('a', 1)))
  await ctx.bus.publish(envelope.type, envelope) // the relay published it, then died before deleting the row

  t.same(await outbox.flush(), { published: 1, failed: 0 })

  t.same(await ctx.stored(), [envelope], 'JetStream dropped the second copy')
  t.same(await ctx.rows(), [])
})

t.test('events written while NATS is down are published in order once it is back', async (t) => {
  const ctx = await outboxContext(t)
  const nats = await startPrivateNats()
  t.teardown(() => nats.cleanup())
  const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
  t.teardown(() => nc.close())
  await ensureStreams(await jetstreamManager(nc), [Streams.socialEvents], ctx.namespace)
  const { db, outbox } = ctx.replica({
    bus: createEventBus(nc, ctx.namespace, 300),
    retry: { baseMs: 50, maxMs: 200 },
    sweepMs: 25,
  })
  outbox.start()
  await nats.stop('SIGTERM')
  for (let n = 1; n <= 3; n++) {
    await db.transaction((tx) => outbox.enqueue(tx, event('a', n)))
    outbox.nudge()
  }
  t.ok(await waitUntil(async () => ((await ctx.rows())[0]?.attempts ?? 0) >= 2), 'retried while NATS is down')
  t.equal((await ctx.rows()).length, 3, 'nothing is dropped')

  await nats.start()
  t.ok(await waitUntil(async () => (await ctx.rows()).length === 0, 20_000), 'published once NATS is back')
  const jsm = await jetstreamManager(nc)
  const { name } = namespacedStream(ctx.namespace, Streams.socialEvents)
  const stored = await Promise.all([1, 2, 3].map((seq) => jsm.streams.getMessage(name, { seq })))
  t.same(
    stored.map((m) => m?.json<{ data: unknown }>().data),
    [1, 2, 3].map((n) => ({ aggregateId: 'a', n })),
  )
  t.equal((await jsm.streams.info(name)).state.messages, 3)
})
