import { jetstream } from '@nats-io/jetstream'
import {
  type Envelope,
  namespacedStream,
  namespacedSubject,
  Streams,
  Subjects,
} from '@social-bridge/contracts'
import t from 'tap'
import { Type } from 'typebox'
import { createEnvelope, createEventBus, startDurableConsumer } from '../src/index.js'
import { natsForTest, waitUntil } from './nats-context.js'

const subject = Subjects.postStatusChanged

t.test('a handler that succeeds is acked exactly once', async (t) => {
  const { nc, jsm, namespace } = await natsForTest(t)
  const seen: string[] = []
  const consumer = await startDurableConsumer<{ n: number }>({
    nc,
    namespace,
    stream: Streams.socialEvents,
    durableName: 'ok-consumer',
    filterSubject: subject,
    ackWaitMs: 1000,
    handler: async (env, ctx) => {
      t.equal(ctx.subject, subject, 'the handler sees the subject without namespace')
      seen.push(env.id)
    },
  })
  t.teardown(() => consumer.stop())
  const envelope = createEnvelope({ type: subject, tenantId: 't1', data: { n: 1 } })
  await createEventBus(nc, namespace).publish(subject, envelope)
  t.ok(await waitUntil(() => seen.length === 1))
  await new Promise((r) => setTimeout(r, 1500)) // past ack_wait: an unacked message would come back
  t.same(seen, [envelope.id])
  const info = await jsm.consumers.info(namespacedStream(namespace, Streams.socialEvents).name, 'ok-consumer')
  t.equal(info.num_ack_pending, 0)
  t.equal(info.num_redelivered, 0)
  t.equal(info.delivered.consumer_seq, 1)
})

t.test('a handler that throws is redelivered, then dead-lettered with the error', async (t) => {
  const { nc, namespace } = await natsForTest(t)
  let attempts = 0
  const consumer = await startDurableConsumer({
    nc,
    namespace,
    stream: Streams.socialEvents,
    durableName: 'failing-consumer',
    filterSubject: subject,
    maxDeliver: 3,
    backoffMs: [50, 100],
    handler: async () => {
      attempts++
      throw new Error('database is down')
    },
  })
  t.teardown(() => consumer.stop())
  const js = jetstream(nc)
  const envelope = createEnvelope({ type: subject, tenantId: 't1', data: { n: 2 } })
  await createEventBus(nc, namespace).publish(subject, envelope)

  const dlqStream = namespacedStream(namespace, Streams.deadLetters).name
  const jsm = await js.jetstreamManager()
  t.ok(await waitUntil(async () => (await jsm.streams.info(dlqStream)).state.messages === 1))
  t.equal(attempts, 3, 'delivered maxDeliver times')
  const dead = await jsm.streams.getMessage(dlqStream, { seq: 1 })
  if (!dead) throw new Error('dead letter missing')
  t.equal(dead.subject, namespacedSubject(namespace, `dlq.${subject}`))
  t.equal(dead.header.get('Sb-Original-Subject'), subject)
  t.match(dead.header.get('Sb-Error'), /database is down/)
  t.equal(dead.json<Envelope>().id, envelope.id, 'the original body is kept')
  await new Promise((r) => setTimeout(r, 300))
  t.equal(attempts, 3, 'not delivered again after dead-lettering')
})

t.test('the dead-letter Sb-Error header carries no token or upload_token from the error', async (t) => {
  const { nc, namespace } = await natsForTest(t)
  const secrets = ['act.SECRETaccess1234567890', 'UPLOADTOKENsecret42']
  const consumer = await startDurableConsumer({
    nc,
    namespace,
    stream: Streams.socialEvents,
    durableName: 'leaky-consumer',
    filterSubject: subject,
    maxDeliver: 1,
    handler: async () => {
      throw new Error(
        `PUT https://upload.example/video/?upload_id=1&upload_token=${secrets[1]} as Bearer ${secrets[0]} failed`,
      )
    },
  })
  t.teardown(() => consumer.stop())
  const js = jetstream(nc)
  await createEventBus(nc, namespace).publish(
    subject,
    createEnvelope({ type: subject, tenantId: 't1', data: {} }),
  )
  const dlqStream = namespacedStream(namespace, Streams.deadLetters).name
  const jsm = await js.jetstreamManager()
  t.ok(await waitUntil(async () => (await jsm.streams.info(dlqStream)).state.messages === 1))
  const header = (await jsm.streams.getMessage(dlqStream, { seq: 1 }))?.header.get('Sb-Error') ?? ''
  t.match(header, /upload_id=1&upload_token=\[REDACTED\]/, 'the error is still there, scrubbed')
  for (const secret of secrets) t.notOk(header.includes(secret), `no ${secret.slice(0, 10)}…`)
})

t.test('a message whose payload breaks the schema is dead-lettered at once', async (t) => {
  const { nc, namespace } = await natsForTest(t)
  let calls = 0
  const consumer = await startDurableConsumer({
    nc,
    namespace,
    stream: Streams.socialEvents,
    durableName: 'schema-consumer',
    filterSubject: subject,
    payloadSchema: Type.Object({ n: Type.Integer() }),
    handler: async () => {
      calls++
    },
  })
  t.teardown(() => consumer.stop())
  const js = jetstream(nc)
  await js.publish(namespacedSubject(namespace, subject), 'not json at all')
  await createEventBus(nc, namespace).publish(
    subject,
    createEnvelope({ type: subject, tenantId: null, data: { n: 'x' } }),
  )
  const jsm = await js.jetstreamManager()
  const dlq = namespacedStream(namespace, Streams.deadLetters).name
  t.ok(await waitUntil(async () => (await jsm.streams.info(dlq)).state.messages === 2))
  t.equal(calls, 0)
})

t.test('stop waits for the in-flight handler to finish and ack', async (t) => {
  const { nc, jsm, namespace } = await natsForTest(t)
  let started = false
  let finished = false
  const consumer = await startDurableConsumer({
    nc,
    namespace,
    stream: Streams.socialEvents,
    durableName: 'slow-consumer',
    filterSubject: subject,
    handler: async () => {
      started = true
      await new Promise((r) => setTimeout(r, 400))
      finished = true
    },
  })
  await createEventBus(nc, namespace).publish(
    subject,
    createEnvelope({ type: subject, tenantId: null, data: {} }),
  )
  t.ok(await waitUntil(() => started))
  await consumer.stop()
  t.ok(finished, 'stop resolved only after the handler finished')
  const info = await jsm.consumers.info(
    namespacedStream(namespace, Streams.socialEvents).name,
    'slow-consumer',
  )
  t.equal(info.num_ack_pending, 0, 'and its ack reached the server')
})
