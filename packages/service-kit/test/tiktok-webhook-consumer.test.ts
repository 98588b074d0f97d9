import { jetstream } from '@nats-io/jetstream'
import {
  namespacedStream,
  namespacedSubject,
  Streams,
  TikTokWebhookFilters,
  type TikTokWebhookV2,
  tiktokWebhookSubject,
} from '@social-bridge/contracts'
import t from 'tap'
import { createEnvelope, createEventBus, startTikTokWebhookConsumer } from '../src/index.js'
import { natsForTest, waitUntil } from './nats-context.js'

// startTikTokWebhookConsumer reads TIKTOK_WEBHOOKS and hands every consumer the v2 payload.

const subject = tiktokWebhookSubject('post.publish.complete')
const receivedAt = '2030-01-01T00:00:00.000Z'

t.test('v2 events and v1 events still in the stream both reach the handler as v2', async (t) => {
  const { nc, namespace } = await natsForTest(t)
  const seen: { event: TikTokWebhookV2; envelopeId: string }[] = []
  const consumer = await startTikTokWebhookConsumer({
    nc,
    namespace,
    durableName: 'kit-webhooks',
    filterSubject: TikTokWebhookFilters.postPublish,
    handler: async (event, envelope) => {
      seen.push({ event, envelopeId: envelope.id })
    },
  })
  t.teardown(() => consumer.stop())
  const common = {
    clientKey: 'ck',
    event: 'post.publish.complete',
    createTime: 1_900_000_000,
    userOpenId: 'u1',
  }
  const v1 = createEnvelope({
    type: subject,
    tenantId: null,
    version: 1,
    data: { ...common, content: { publish_id: 'v_pub_1', publish_type: 'DIRECT_POST' }, receivedAt },
  })
  const v2 = createEnvelope({
    type: subject,
    tenantId: null,
    version: 2,
    data: { ...common, content: { publishId: 'v_pub_2', raw: { publish_id: 'v_pub_2' } }, receivedAt },
  })
  const bus = createEventBus(nc, namespace)
  await bus.publish(subject, v1)
  await bus.publish(subject, v2)
  t.ok(await waitUntil(() => seen.length === 2))
  t.same(seen, [
    {
      envelopeId: v1.id,
      event: {
        ...common,
        content: {
          raw: { publish_id: 'v_pub_1', publish_type: 'DIRECT_POST' },
          publishId: 'v_pub_1',
          publishType: 'DIRECT_POST',
        },
        receivedAt,
      },
    },
    { envelopeId: v2.id, event: v2.data },
  ])
})

t.test('a payload that is neither v2 nor v1 is dead-lettered without reaching the handler', async (t) => {
  const { nc, jsm, namespace } = await natsForTest(t)
  let calls = 0
  const consumer = await startTikTokWebhookConsumer({
    nc,
    namespace,
    durableName: 'kit-webhooks-poison',
    filterSubject: TikTokWebhookFilters.postPublish,
    handler: async () => {
      calls++
    },
  })
  t.teardown(() => consumer.stop())
  const bad = createEnvelope({
    type: subject,
    tenantId: null,
    version: 2,
    data: { event: 'post.publish.complete' },
  })
  await jetstream(nc).publish(namespacedSubject(namespace, subject), JSON.stringify(bad))
  const dlq = namespacedStream(namespace, Streams.deadLetters).name
  t.ok(await waitUntil(async () => (await jsm.streams.info(dlq)).state.messages === 1))
  t.equal(calls, 0)
})
