import { sampleValue } from '@social-bridge/service-kit/testing'
import t from 'tap'
import {
  build,
  commentValue,
  deliver,
  deliverInstagram,
  igHeaders,
  igNotification,
  signedHeaders,
  webhookBody,
} from './helper.js'

// webhook-ingest counts each delivery by TikTok event and outcome (src/metrics.ts). The counters
// are process-wide, so the test reads differences.

t.test('deliveries are counted by event and outcome, refusals without the unverified event', async (t) => {
  const app = await build(t)
  const read = async (labels: Record<string, string>) =>
    sampleValue((await app.inject('/metrics')).body, 'social_bridge_webhooks_received_total', labels) ?? 0
  const stored = { event: 'post.publish.complete', outcome: 'stored' }
  const duplicate = { event: 'post.publish.complete', outcome: 'duplicate' }
  const refused = { event: 'unverified', outcome: 'refused_signature' }
  const before = {
    stored: await read(stored),
    duplicate: await read(duplicate),
    refused: await read(refused),
  }

  const body = webhookBody({ create_time: Math.floor(Date.now() / 1000) })
  t.equal((await deliver(app, body)).statusCode, 200)
  t.equal((await deliver(app, body)).statusCode, 200, 'TikTok redelivers the same bytes')
  t.equal((await deliver(app, body, signedHeaders(body, { secret: 'another-secret' }))).statusCode, 401)

  t.equal((await read(stored)) - before.stored, 1)
  t.equal((await read(duplicate)) - before.duplicate, 1)
  t.equal((await read(refused)) - before.refused, 1)
  const text = (await app.inject('/metrics')).body
  t.match(text, /social_bridge_webhook_ingest_duration_seconds_bucket\{[^}]*outcome="stored"/)
  t.notMatch(text, /open_id_1/, 'no user id in any label')
})

t.test('Instagram notifications are counted by outcome and their changes by field', async (t) => {
  const app = await build(t)
  const read = async (name: string, labels: Record<string, string>) =>
    sampleValue((await app.inject('/metrics')).body, name, labels) ?? 0
  const notifications = 'social_bridge_instagram_webhooks_received_total'
  const changes = 'social_bridge_instagram_webhook_changes_total'
  const before = {
    stored: await read(notifications, { outcome: 'stored' }),
    duplicate: await read(notifications, { outcome: 'duplicate' }),
    refused: await read(notifications, { outcome: 'refused_signature' }),
    comments: await read(changes, { field: 'comments', outcome: 'stored' }),
  }
  const body = igNotification([{ changes: [{ field: 'comments', value: commentValue(`179${Date.now()}`) }] }])
  t.equal((await deliverInstagram(app, body)).statusCode, 200)
  t.equal((await deliverInstagram(app, body)).statusCode, 200, 'Meta retries the same notification')
  t.equal((await deliverInstagram(app, body, igHeaders(body, 'forged'))).statusCode, 401)

  t.equal((await read(notifications, { outcome: 'stored' })) - before.stored, 1)
  t.equal((await read(notifications, { outcome: 'duplicate' })) - before.duplicate, 1)
  t.equal((await read(notifications, { outcome: 'refused_signature' })) - before.refused, 1)
  t.equal((await read(changes, { field: 'comments', outcome: 'stored' })) - before.comments, 1)
  t.notMatch(
    (await app.inject('/metrics')).body,
    /17841400000000001|fan_1/,
    'no account or user in any label',
  )
})
