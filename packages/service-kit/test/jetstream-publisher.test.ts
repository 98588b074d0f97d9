import { DiscardPolicy, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import t from 'tap'
import { createJetStreamPublisher, JetStreamPublishError } from '../src/index.js'
import { startPrivateNats, TEST_NATS_URL, type Teardownable } from '../src/testing/index.js'
import { natsForTest } from './nats-context.js'

const bytes = (s: string) => Buffer.from(s)

/** A stream `<NAMESPACE>_PUB` on `<namespace>.pub.>` (deleted with the namespace), with optional limits. */
async function pubStream(t: Teardownable, limits: { max_msgs?: number; discard?: DiscardPolicy } = {}) {
  const { nc, jsm, namespace } = await natsForTest(t)
  const name = `${namespace.toUpperCase()}_PUB`
  await jsm.streams.add({ name, subjects: [`${namespace}.pub.>`], ...limits })
  return { nc, jsm, name, subject: `${namespace}.pub.a` }
}

t.test(
  'each publish resolves with its own ack; a repeated Nats-Msg-Id is a duplicate, stored once',
  async (t) => {
    const { nc, jsm, name, subject } = await pubStream(t)
    const publisher = createJetStreamPublisher(nc)
    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        publisher.publish(subject, bytes(`m${i}`), { msgId: `id-${i}`, timeoutMs: 5000 }),
      ),
    )
    t.same(
      acks.map((a) => a.seq).sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i + 1),
      'sequences 1..200, one per message',
    )
    t.ok(acks.every((a) => a.stream === name && !a.duplicate))
    const again = await publisher.publish(subject, bytes('m7'), { msgId: 'id-7', timeoutMs: 5000 })
    t.same(again, { stream: name, seq: acks[7]!.seq, duplicate: true })
    t.equal((await jsm.streams.info(name)).state.messages, 200)
    const stored = await jsm.streams.getMessage(name, { seq: acks[42]!.seq })
    t.equal(stored?.string(), 'm42', 'the payload is stored as sent')
    t.equal(stored?.header.get('Nats-Msg-Id'), 'id-42')
  },
)

t.test('no stream on the subject: no_stream, not a silent success', async (t) => {
  const { nc, namespace } = await natsForTest(t)
  const publisher = createJetStreamPublisher(nc)
  const err = await publisher
    .publish(`${namespace}.nowhere`, bytes('x'), { msgId: 'a', timeoutMs: 2000 })
    .catch((e: unknown) => e)
  t.type(err, JetStreamPublishError)
  t.equal((err as JetStreamPublishError).reason, 'no_stream')
})

t.test('a stream that refuses the message: api, with its description', async (t) => {
  const { nc, subject } = await pubStream(t, { max_msgs: 1, discard: DiscardPolicy.New })
  const publisher = createJetStreamPublisher(nc)
  await publisher.publish(subject, bytes('first'), { msgId: 'first', timeoutMs: 2000 })
  const err = (await publisher
    .publish(subject, bytes('second'), { msgId: 'second', timeoutMs: 2000 })
    .catch((e: unknown) => e)) as JetStreamPublishError
  t.equal(err.reason, 'api')
  t.match(err.message, /maximum messages/)
})

t.test('a subscriber that never answers: timeout after timeoutMs', async (t) => {
  const { nc, namespace } = await natsForTest(t)
  nc.subscribe(`${namespace}.mute`) // a plain subscriber, no JetStream ack
  const publisher = createJetStreamPublisher(nc)
  const err = (await publisher
    .publish(`${namespace}.mute`, bytes('x'), { msgId: 'a', timeoutMs: 200 })
    .catch((e: unknown) => e)) as JetStreamPublishError
  t.equal(err.reason, 'timeout')
  t.match(err.message, /200 ms/)
})

t.test('NATS down: timeout; after the restart the same publisher is acked again', async (t) => {
  const nats = await startPrivateNats()
  t.teardown(() => nats.cleanup())
  const nc = await connect({ servers: nats.url, reconnectTimeWait: 100, maxReconnectAttempts: -1 })
  t.teardown(() => nc.close())
  const jsm = await jetstreamManager(nc)
  await jsm.streams.add({ name: 'OUTAGE', subjects: ['outage.>'] })
  const publisher = createJetStreamPublisher(nc)
  t.equal((await publisher.publish('outage.a', bytes('1'), { msgId: '1', timeoutMs: 2000 })).seq, 1)

  await nats.stop('SIGTERM')
  const err = (await publisher
    .publish('outage.a', bytes('2'), { msgId: '2', timeoutMs: 300 })
    .catch((e: unknown) => e)) as JetStreamPublishError
  t.equal(err.reason, 'timeout', 'no ack while the server is down')

  await nats.start()
  let ack: Awaited<ReturnType<typeof publisher.publish>> | undefined
  for (let i = 0; i < 100 && !ack; i++) {
    ack = await publisher
      .publish('outage.a', bytes('2'), { msgId: '2', timeoutMs: 500 })
      .catch(() => undefined)
  }
  t.ok(ack, 'acked once the server is back')
  // the publish that timed out was buffered and sent on reconnect: the retry with its id is then
  // a duplicate, and the stream holds it once either way
  t.equal((await jsm.streams.info('OUTAGE')).state.messages, 2)
})

t.test('publishes pending when the connection closes reject with closed', async (t) => {
  const { namespace } = await natsForTest(t)
  const nc = await connect({ servers: TEST_NATS_URL })
  nc.subscribe(`${namespace}.mute`)
  const publisher = createJetStreamPublisher(nc)
  const pending = publisher.publish(`${namespace}.mute`, bytes('x'), { msgId: 'a', timeoutMs: 10_000 })
  await nc.close()
  const err = (await pending.catch((e: unknown) => e)) as JetStreamPublishError
  t.equal(err.reason, 'closed')
  const after = (await publisher
    .publish(`${namespace}.mute`, bytes('y'), { msgId: 'b', timeoutMs: 10_000 })
    .catch((e: unknown) => e)) as JetStreamPublishError
  t.equal(after.reason, 'closed', 'a publish after the close is refused at once')
})
