import { EventEnvelope, TikTokWebhookV2 } from '@social-bridge/contracts'
import { parseWebhookEvent } from '@social-bridge/tiktok-client'
import t from 'tap'
import { Value } from 'typebox/value'
import { toWebhookMessage } from '../../src/domain/webhook-envelope.js'
import { sha256Hex, webhookBody } from '../helper.js'

const body = Buffer.from(
  webhookBody({
    event: 'post.publish.publicly_available',
    create_time: 1_615_338_610,
    content: '{"publish_id":"v_pub_url~v2.7","post_id":7304512345678901234,"publish_type":"DIRECT_POST"}',
  }),
)
const receivedAt = new Date('2026-01-02T03:04:05.000Z')

t.test('the envelope matches contracts TikTokWebhookV2 with the body hash as id and no tenant', async (t) => {
  const { subject, envelope } = toWebhookMessage(body, parseWebhookEvent(body), receivedAt)
  t.ok(Value.Check(EventEnvelope(TikTokWebhookV2), envelope), 'valid against the contract schema')
  t.equal(subject, 'tiktok.webhook.post.publish.publicly_available')
  t.equal(envelope.type, subject)
  t.equal(envelope.id, sha256Hex(body))
  t.equal(envelope.tenantId, null)
  t.equal(envelope.version, 2)
  t.equal(envelope.occurredAt, '2021-03-10T01:10:10.000Z', 'occurredAt is TikTok create_time')
  t.equal(envelope.data.receivedAt, receivedAt.toISOString())
  t.equal(envelope.data.userOpenId, 'open_id_1')
})

t.test(
  'the content is normalised: camelCase, a post_id above 2^53 as its exact decimal string',
  async (t) => {
    const { envelope } = toWebhookMessage(body, parseWebhookEvent(body), receivedAt)
    t.same(envelope.data.content, {
      publishId: 'v_pub_url~v2.7',
      publishType: 'DIRECT_POST',
      postId: '7304512345678901234',
      raw: { publish_id: 'v_pub_url~v2.7', post_id: '7304512345678901234', publish_type: 'DIRECT_POST' },
    })
    t.equal(JSON.parse(JSON.stringify(envelope)).data.content.postId, '7304512345678901234', 'survives JSON')
  },
)

t.test(
  'a post_id that is not an id stays in raw only, so the event still matches the contract',
  async (t) => {
    const odd = Buffer.from(
      webhookBody({
        event: 'post.publish.publicly_available',
        content: { publish_id: 'p1', post_id: 'soon', publish_type: 'DIRECT_POST' },
      }),
    )
    const { envelope } = toWebhookMessage(odd, parseWebhookEvent(odd), receivedAt)
    t.notOk('postId' in envelope.data.content)
    t.equal(envelope.data.content.raw.post_id, 'soon')
    t.equal(envelope.data.content.publishId, 'p1')
    t.ok(Value.Check(EventEnvelope(TikTokWebhookV2), envelope))
  },
)

t.test('an event without user_openid has no userOpenId', async (t) => {
  const raw = Buffer.from(
    JSON.stringify({
      client_key: 'k',
      event: 'portability.download.ready',
      create_time: 1,
      content: '{"request_id":9007199254740993}',
    }),
  )
  const { envelope } = toWebhookMessage(raw, parseWebhookEvent(raw), receivedAt)
  t.notOk('userOpenId' in envelope.data)
  t.equal(envelope.data.content.requestId, '9007199254740993')
})
