import { namespacedStream, Streams, Subjects } from '@social-bridge/contracts'
import t from 'tap'
import { createEnvelope, createEventBus, ensureStreams } from '../src/index.js'
import { natsForTest } from './nats-context.js'

t.test('publishing the same envelope twice stores it once', async (t) => {
  const { nc, jsm, namespace } = await natsForTest(t)
  const bus = createEventBus(nc, namespace)
  const envelope = createEnvelope({ type: Subjects.metricsSynced, tenantId: 'tenant-a', data: { n: 1 } })
  const first = await bus.publish(Subjects.metricsSynced, envelope)
  const second = await bus.publish(Subjects.metricsSynced, envelope)
  t.equal(first.duplicate, false)
  t.equal(second.duplicate, true)
  t.equal(second.seq, first.seq)
  const info = await jsm.streams.info(namespacedStream(namespace, Streams.socialEvents).name)
  t.equal(info.state.messages, 1)
})

t.test('publishing where no stream listens fails instead of dropping', async (t) => {
  const { nc, namespace } = await natsForTest(t)
  const bus = createEventBus(nc, namespace)
  const envelope = createEnvelope({ type: 'nowhere', tenantId: null, data: {} })
  await t.rejects(bus.publish('nowhere.subject', envelope, { timeoutMs: 500 }))
})

t.test('ensuring streams twice is idempotent', async (t) => {
  const { jsm, namespace } = await natsForTest(t)
  const again = await ensureStreams(jsm, [Streams.socialEvents], namespace)
  t.same(again, [namespacedStream(namespace, Streams.socialEvents).name])
})
