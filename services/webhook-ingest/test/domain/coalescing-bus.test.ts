import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { namespacedStream, Streams } from '@social-bridge/contracts'
import { createEnvelope, createEventBus, type EventBus, ensureStreams } from '@social-bridge/service-kit'
import { createTestNamespace, TEST_NATS_URL } from '@social-bridge/service-kit/testing'
import t, { type Test } from 'tap'
import { createCoalescingBus } from '../../src/domain/coalescing-bus.js'
import { storedMessages } from '../helper.js'

const subject = 'tiktok.webhook.post.publish.complete'

/** A real event bus on a fresh namespace with the webhook stream, and a log of what reached it. */
async function realBus(t: Test) {
  const namespace = createTestNamespace(t)
  const nc = await connect({ servers: TEST_NATS_URL })
  t.teardown(() => nc.close())
  const _js = jetstream(nc)
  const jsm = await jetstreamManager(nc)
  await ensureStreams(jsm, [Streams.tiktokWebhooks], namespace)
  const inner = createEventBus(nc, namespace)
  const reached: string[] = []
  const spy: EventBus = {
    publish(s, envelope, opts) {
      reached.push(envelope.id)
      return inner.publish(s, envelope, opts)
    },
  }
  return { namespace, jsm, spy, reached }
}

t.test('publishes requested in one turn reach the bus together at the end of the turn', async (t) => {
  const { spy, reached } = await realBus(t)
  const bus = createCoalescingBus(spy)
  const acks = [1, 2, 3].map((n) =>
    bus.publish(subject, createEnvelope({ type: subject, tenantId: null, data: { n } })),
  )
  t.equal(reached.length, 0, 'nothing issued while the caller still runs')
  await new Promise((r) => setImmediate(r))
  t.equal(reached.length, 3, 'all issued in one batch')
  t.same(
    (await Promise.all(acks)).map((a) => a.duplicate),
    [false, false, false],
  )
})

t.test('each coalesced publish resolves with its own ack and is stored once', async (t) => {
  const { namespace, spy } = await realBus(t)
  const bus = createCoalescingBus(spy)
  const envelopes = Array.from({ length: 50 }, (_, n) =>
    createEnvelope({ type: subject, tenantId: null, data: { n } }),
  )
  const acks = await Promise.all(envelopes.map((e) => bus.publish(subject, e)))
  t.same(new Set(acks.map((a) => a.seq)).size, 50, 'fifty distinct stream sequences')
  const again = await bus.publish(subject, envelopes[0]!)
  t.equal(again.duplicate, true, 'a re-publish of the same id is reported as a duplicate')
  t.equal((await storedMessages(namespace)).length, 50)
})

t.test('a publish that cannot be stored rejects', async (t) => {
  const { namespace, jsm, spy } = await realBus(t)
  await jsm.streams.delete(namespacedStream(namespace, Streams.tiktokWebhooks).name)
  const bus = createCoalescingBus(spy)
  await t.rejects(
    bus.publish(subject, createEnvelope({ type: subject, tenantId: null, data: {} }), { timeoutMs: 300 }),
  )
})
