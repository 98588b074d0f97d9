import { jetstream } from '@nats-io/jetstream'
import {
  type Envelope,
  namespacedStream,
  namespacedSubject,
  Streams,
  Subjects,
} from '@social-bridge/contracts'
import t, { type Test } from 'tap'
import { Type } from 'typebox'
import {
  createEnvelope,
  createEventBus,
  type DurableConsumerOptions,
  startDurableConsumer,
} from '../src/index.js'
import { natsForTest, waitUntil } from './nats-context.js'

const subject = Subjects.postStatusChanged

/**
 * A durable consumer of `subject` on SOCIAL_EVENTS in a fresh namespace (stopped at teardown),
 * with what the tests do around it: publish an envelope, count and read the dead letters.
 */
async function consumerForTest<D>(
  t: Test,
  opts: Omit<DurableConsumerOptions<D>, 'nc' | 'namespace' | 'stream' | 'filterSubject'>,
) {
  const { nc, jsm, namespace } = await natsForTest(t)
  const consumer = await startDurableConsumer<D>({
    nc,
    namespace,
    stream: Streams.socialEvents,
    filterSubject: subject,
    ...opts,
  })
  t.teardown(() => consumer.stop())
  const dlq = namespacedStream(namespace, Streams.deadLetters).name
  return {
    nc,
    jsm,
    namespace,
    consumer,
    /** Publishes an envelope of `subject` with `data` through the event bus. */
    async publish(data: unknown, tenantId: string | null = 't1') {
      const envelope = createEnvelope({ type: subject, tenantId, data })
      await createEventBus(nc, namespace).publish(subject, envelope)
      return envelope
    },
    /** Messages in the dead-letter stream so far. */
    deadLetters: async () => (await jsm.streams.info(dlq)).state.messages,
    /** The dead letter at `seq` (1 = first). */
    deadLetter: (seq: number) => jsm.streams.getMessage(dlq, { seq }),
  }
}

t.test('a handler that succeeds is acked exactly once', async (t) => {
  const seen: string[] = []
  const { jsm, namespace, publish } = await consumerForTest<{ n: number }>(t, {
    durableName: 'ok-consumer',
    ackWaitMs: 1000,
    handler: async (env, ctx) => {
      t.equal(ctx.subject, subject, 'the handler sees the subject without namespace')
      seen.push(env.id)
    },
  })
  const envelope = await publish({ n: 1 })
  t.ok(await waitUntil(() => seen.length === 1))
  await new Promise((r) => setTimeout(r, 1500)) // past ack_wait: an unacked message would come back
  t.same(seen, [envelope.id])
  const info = await jsm.consumers.info(namespacedStream(namespace, Streams.socialEvents).name, 'ok-consumer')
  t.equal(info.num_ack_pending, 0)
  t.equal(info.num_redelivered, 0)
  t.equal(info.delivered.consumer_seq, 1)
})

t.test('a handler that throws is redelivered, then dead-lettered with the error', async (t) => {
  let attempts = 0
  const { namespace, publish, deadLetters, deadLetter } = await consumerForTest(t, {
    durableName: 'failing-consumer',
    maxDeliver: 3,
    backoffMs: [50, 100],
    handler: async () => {
      attempts++
      throw new Error('database is down')
    },
  })
  const envelope = await publish({ n: 2 })
  t.ok(await waitUntil(async () => (await deadLetters()) === 1))
  t.equal(attempts, 3, 'delivered maxDeliver times')
  const dead = await deadLetter(1)
  if (!dead) throw new Error('dead letter missing')
  t.equal(dead.subject, namespacedSubject(namespace, `dlq.${subject}`))
  t.equal(dead.header.get('Sb-Original-Subject'), subject)
  t.match(dead.header.get('Sb-Error'), /database is down/)
  t.equal(dead.json<Envelope>().id, envelope.id, 'the original body is kept')
  await new Promise((r) => setTimeout(r, 300))
  t.equal(attempts, 3, 'not delivered again after dead-lettering')
})

t.test('the dead-letter Sb-Error header carries no token or upload_token from the error', async (t) => {
  const secrets = ['act.SECRETaccess1234567890', 'UPLOADTOKENsecret42']
  const { publish, deadLetters, deadLetter } = await consumerForTest(t, {
    durableName: 'leaky-consumer',
    maxDeliver: 1,
    handler: async () => {
      throw new Error(
        `PUT https://upload.example/video/?upload_id=1&upload_token=${secrets[1]} as Bearer ${secrets[0]} failed`,
      )
    },
  })
  await publish({})
  t.ok(await waitUntil(async () => (await deadLetters()) === 1))
  const header = (await deadLetter(1))?.header.get('Sb-Error') ?? ''
  t.match(header, /upload_id=1&upload_token=\[REDACTED\]/, 'the error is still there, scrubbed')
  for (const secret of secrets) t.notOk(header.includes(secret), `no ${secret.slice(0, 10)}…`)
})

t.test('a message whose payload breaks the schema is dead-lettered at once', async (t) => {
  let calls = 0
  const { nc, namespace, publish, deadLetters } = await consumerForTest(t, {
    durableName: 'schema-consumer',
    payloadSchema: Type.Object({ n: Type.Integer() }),
    handler: async () => {
      calls++
    },
  })
  await jetstream(nc).publish(namespacedSubject(namespace, subject), 'not json at all')
  await publish({ n: 'x' }, null)
  t.ok(await waitUntil(async () => (await deadLetters()) === 2))
  t.equal(calls, 0)
})

t.test('stop waits for the in-flight handler to finish and ack', async (t) => {
  let started = false
  let finished = false
  const { jsm, namespace, consumer, publish } = await consumerForTest(t, {
    durableName: 'slow-consumer',
    handler: async () => {
      started = true
      await new Promise((r) => setTimeout(r, 400))
      finished = true
    },
  })
  await publish({}, null)
  t.ok(await waitUntil(() => started))
  await consumer.stop()
  t.ok(finished, 'stop resolved only after the handler finished')
  const info = await jsm.consumers.info(
    namespacedStream(namespace, Streams.socialEvents).name,
    'slow-consumer',
  )
  t.equal(info.num_ack_pending, 0, 'and its ack reached the server')
})
