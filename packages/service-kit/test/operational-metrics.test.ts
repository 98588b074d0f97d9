import { AckPolicy } from '@nats-io/jetstream'
import { deadLetterSubject, namespacedStream, namespacedSubject, Streams } from '@social-bridge/contracts'
import Fastify, { type FastifyInstance } from 'fastify'
import { Registry } from 'prom-client'
import t from 'tap'
import { createFastifyOptions, infrastructurePlugin } from '../src/index.js'
import {
  createTestDatabase,
  createTestNamespace,
  sampleValue,
  TEST_NATS_URL,
  type Teardownable,
} from '../src/testing/index.js'
import { outboxContext } from './outbox/context.js'

// The operational gauges read their sources at scrape time: dependencies, JetStream consumers,
// dead letters (operationalMetricsPlugin) and the outbox backlog (createOutbox `metrics`).

async function service(t: Teardownable): Promise<FastifyInstance> {
  const app = Fastify(createFastifyOptions({ service: 'kit-ops', logLevel: 'silent' }))
  t.teardown(() => app.close())
  await app.register(infrastructurePlugin, {
    service: 'kit-ops',
    config: {
      DATABASE_URL: await createTestDatabase(t),
      NATS_URL: TEST_NATS_URL,
      NATS_NAMESPACE: createTestNamespace(t),
    },
    internalAuth: false,
    db: { schema: 'kit_ops', poolSize: 2 },
    streams: [Streams.tiktokWebhooks, Streams.deadLetters],
  })
  await app.ready()
  return app
}

const scrape = async (app: FastifyInstance) => (await app.inject('/metrics')).body

t.test('dependencies, a consumer backlog and dead letters are reported, with bounded labels', async (t) => {
  const app = await service(t)
  const { jsm, js, namespace } = app.nats
  const stream = namespacedStream(namespace, Streams.tiktokWebhooks).name
  await jsm.consumers.add(stream, {
    durable_name: 'ops-reader',
    ack_policy: AckPolicy.Explicit,
    filter_subject: namespacedSubject(namespace, 'tiktok.webhook.>'),
  })
  let text = await scrape(app)
  t.equal(sampleValue(text, 'social_bridge_dependency_up', { dependency: 'postgres', service: 'kit-ops' }), 1)
  t.equal(sampleValue(text, 'social_bridge_dependency_up', { dependency: 'nats' }), 1)
  t.equal(
    sampleValue(text, 'social_bridge_jetstream_consumer_pending_messages', {
      stream: 'TIKTOK_WEBHOOKS',
      consumer: 'ops-reader',
    }),
    0,
  )
  t.equal(sampleValue(text, 'social_bridge_dead_letters_messages'), 0)

  for (let i = 0; i < 3; i++)
    await js.publish(namespacedSubject(namespace, 'tiktok.webhook.post.publish.complete'), '{}')
  await js.publish(namespacedSubject(namespace, deadLetterSubject('social.post.created')), '{}')
  text = await scrape(app)
  t.equal(
    sampleValue(text, 'social_bridge_jetstream_consumer_pending_messages', {
      stream: 'TIKTOK_WEBHOOKS',
      consumer: 'ops-reader',
    }),
    3,
  )
  t.equal(
    sampleValue(text, 'social_bridge_jetstream_consumer_ack_pending_messages', { consumer: 'ops-reader' }),
    0,
  )
  t.equal(sampleValue(text, 'social_bridge_dead_letters_messages'), 1)
  t.notMatch(text, namespace, 'the test namespace (like any id) is no label value')

  await app.sql.end() // the pool is gone: PostgreSQL no longer answers this service
  text = await scrape(app)
  t.equal(sampleValue(text, 'social_bridge_dependency_up', { dependency: 'postgres' }), 0)
  t.equal(sampleValue(text, 'social_bridge_dependency_up', { dependency: 'nats' }), 1)
})

t.test('the outbox backlog counts unpublished events and the oldest one’s age', async (t) => {
  const ctx = await outboxContext(t)
  const registry = new Registry()
  const { db, outbox } = ctx.replica({ metrics: registry })
  const text = () => registry.metrics()
  t.equal(sampleValue(await text(), 'social_bridge_outbox_backlog_events'), 0)
  t.equal(sampleValue(await text(), 'social_bridge_outbox_oldest_event_age_seconds'), 0)
  await db.transaction(async (tx) => {
    for (const aggregateId of ['a', 'b'])
      await outbox.enqueue(tx, { subject: 'social.post.created', aggregateId, tenantId: 't', data: {} })
  })
  t.equal(sampleValue(await text(), 'social_bridge_outbox_backlog_events'), 2)
  t.ok((sampleValue(await text(), 'social_bridge_outbox_oldest_event_age_seconds') ?? -1) >= 0)
  await outbox.flush()
  t.equal(sampleValue(await text(), 'social_bridge_outbox_backlog_events'), 0)
})
