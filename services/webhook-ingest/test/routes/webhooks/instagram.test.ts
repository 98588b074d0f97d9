import { createHmac } from 'node:crypto'
import { namespacedStream, Streams } from '@social-bridge/contracts'
import t from 'tap'
import { instagramWebhookSettings } from '../../../src/config.js'
import { instagramChangeId } from '../../../src/domain/instagram/envelope.js'
import {
  build,
  commentValue,
  deliverInstagram,
  IG_APP_SECRET,
  IG_VERIFY_TOKEN,
  igHeaders,
  igNotification,
  storedInstagramMessages,
  testConfig,
} from '../../helper.js'

const ACCOUNT = '17841400000000001'
const nowSec = () => Math.floor(Date.now() / 1000)
const handshake = (query: Record<string, string>) => new URLSearchParams(query).toString()

t.test(
  'the handshake with the configured verify token answers 200 with the raw challenge as text',
  async (t) => {
    const app = await build(t)
    const res = await app.inject(
      `/webhooks/instagram?${handshake({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': IG_VERIFY_TOKEN })}`,
    )
    t.equal(res.statusCode, 200)
    t.equal(res.body, '1158201444', 'the challenge itself, not JSON')
    t.match(res.headers['content-type'], /^text\/plain/)
  },
)

for (const [name, query] of [
  [
    'another verify token',
    { 'hub.mode': 'subscribe', 'hub.challenge': 'chl-7731', 'hub.verify_token': 'guess' },
  ],
  [
    'another mode',
    { 'hub.mode': 'unsubscribe', 'hub.challenge': 'chl-7731', 'hub.verify_token': IG_VERIFY_TOKEN },
  ],
  ['no verify token', { 'hub.mode': 'subscribe', 'hub.challenge': 'chl-7731' }],
  ['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': IG_VERIFY_TOKEN }],
] as const) {
  t.test(`the handshake with ${name} is refused with 403 in the shared error shape`, async (t) => {
    const app = await build(t)
    const res = await app.inject(`/webhooks/instagram?${handshake(query)}`)
    t.equal(res.statusCode, 403)
    t.match(res.json(), { error: { code: 'FORBIDDEN', message: String }, requestId: String })
    t.notMatch(res.body, 'chl-7731', 'the challenge is not echoed')
  })
}

t.test(
  'a signed notification is answered 200 only after each change is stored on instagram.webhook.<field>',
  async (t) => {
    const app = await build(t)
    const body = igNotification([
      {
        id: ACCOUNT,
        changes: [
          {
            field: 'comments',
            value: { ...commentValue('17900000000000001'), parent_id: '17900000000000000' },
          },
          { field: 'mentions', value: { media_id: '18000000000000009', comment_id: '17900000000000002' } },
        ],
      },
    ])
    const res = await deliverInstagram(app, body)
    t.equal(res.statusCode, 200)
    t.same(res.json(), {})
    const stored = await storedInstagramMessages(app.nats.namespace)
    t.same(
      stored.map((m) => m.subject),
      ['instagram.webhook.comments', 'instagram.webhook.mentions'],
    )
    const [comment] = stored
    const parsed = JSON.parse(body).entry[0]
    t.equal(
      comment?.msgId,
      instagramChangeId({
        igUserId: ACCOUNT,
        time: parsed.time,
        field: 'comments',
        value: parsed.changes[0].value,
      }),
    )
    t.equal(comment?.envelope.id, comment?.msgId)
    t.equal(comment?.envelope.tenantId, null)
    t.equal(comment?.envelope.occurredAt, new Date(parsed.time * 1000).toISOString())
    t.same(comment?.envelope.data.comment, {
      id: '17900000000000001',
      mediaId: '18000000000000001',
      mediaProductType: 'REELS',
      text: 'Nice reel!',
      fromId: '9000000000000001',
      username: 'fan_1',
      parentId: '17900000000000000',
    })
    t.equal(comment?.envelope.data.igUserId, ACCOUNT)
    t.notOk(stored[1]?.envelope.data.comment, 'only comment fields carry a normalised comment')
  },
)

t.test('the same notification delivered 5 times is answered 200 each time and stored once', async (t) => {
  const app = await build(t)
  const body = igNotification([
    { changes: [{ field: 'comments', value: commentValue('17900000000000011') }] },
  ])
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) statuses.push((await deliverInstagram(app, body)).statusCode)
  t.same(statuses, [200, 200, 200, 200, 200])
  t.equal((await storedInstagramMessages(app.nats.namespace)).length, 1)
})

t.test(
  'a retried change stores once even re-timed and batched with new changes; only the new ones are added',
  async (t) => {
    const app = await build(t)
    const first = commentValue('17900000000000021')
    const t0 = nowSec() - 3600
    t.equal(
      (
        await deliverInstagram(
          app,
          igNotification([{ time: t0, changes: [{ field: 'comments', value: first }] }]),
        )
      ).statusCode,
      200,
    )
    const retry = igNotification([
      {
        time: nowSec(),
        changes: [
          { field: 'comments', value: first },
          { field: 'comments', value: commentValue('17900000000000022') },
        ],
      },
    ])
    t.equal((await deliverInstagram(app, retry)).statusCode, 200)
    const stored = await storedInstagramMessages(app.nats.namespace)
    t.same(
      stored.map((m) => m.envelope.data.comment?.id),
      ['17900000000000021', '17900000000000022'],
    )
    const { duplicate_window } = (
      await app.nats.jsm.streams.info(namespacedStream(app.nats.namespace, Streams.instagramWebhooks).name)
    ).config
    t.ok(duplicate_window >= 36 * 3600 * 1e9, 'the stream dedupes over all of Meta’s 36 h of retries')
  },
)

t.test('a notification signed with a previous app secret is accepted during a rotation', async (t) => {
  const app = await build(t, {
    INSTAGRAM_APP_SECRET: 'new-secret',
    INSTAGRAM_APP_SECRETS_PREVIOUS: `old, ${IG_APP_SECRET}`,
  })
  const body = igNotification([
    { changes: [{ field: 'comments', value: commentValue('17900000000000031') }] },
  ])
  t.equal((await deliverInstagram(app, body, igHeaders(body, IG_APP_SECRET))).statusCode, 200)
  t.equal((await deliverInstagram(app, body, igHeaders(body, 'new-secret'))).statusCode, 200)
  t.equal((await deliverInstagram(app, body, igHeaders(body, 'unknown'))).statusCode, 401)
  t.equal((await storedInstagramMessages(app.nats.namespace)).length, 1)
})

t.test('a verified notification without changes is answered 200 and stores nothing', async (t) => {
  const app = await build(t)
  t.equal((await deliverInstagram(app, JSON.stringify({ object: 'instagram', entry: [] }))).statusCode, 200)
  t.equal((await storedInstagramMessages(app.nats.namespace)).length, 0)
})

const comment = () =>
  igNotification([{ changes: [{ field: 'comments', value: commentValue('17900000000000041') }] }])
const refusals: {
  name: string
  status: number
  reason?: string
  request: () => { body: string | Buffer; headers?: Record<string, string> }
}[] = [
  {
    name: 'a forged notification (body changed after signing)',
    status: 401,
    reason: 'signature_mismatch',
    request: () => {
      const body = comment()
      return { body: body.replace('Nice reel!', 'Buy followers'), headers: igHeaders(body) }
    },
  },
  {
    name: 'a notification signed with another app secret',
    status: 401,
    reason: 'signature_mismatch',
    request: () => {
      const body = comment()
      return { body, headers: igHeaders(body, 'someone-elses-secret') }
    },
  },
  {
    name: 'a notification with only the legacy SHA-1 X-Hub-Signature',
    status: 401,
    reason: 'missing_header',
    request: () => {
      const body = comment()
      const sha1 = createHmac('sha1', IG_APP_SECRET).update(body).digest('hex')
      return { body, headers: { 'content-type': 'application/json', 'x-hub-signature': `sha1=${sha1}` } }
    },
  },
  {
    name: 'a notification whose X-Hub-Signature-256 is not sha256=<64 hex>',
    status: 401,
    reason: 'malformed_header',
    request: () => ({
      body: comment(),
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=abc' },
    }),
  },
  {
    name: 'a replay of a notification older than the accepted age (48 h)',
    status: 401,
    reason: 'stale_notification',
    request: () => ({
      body: igNotification([
        { time: nowSec() - 49 * 3600, changes: [{ field: 'comments', value: commentValue('1') }] },
      ]),
    }),
  },
  { name: 'a signed body that is not JSON', status: 400, request: () => ({ body: 'object=instagram' }) },
  {
    name: 'a signed notification of another object',
    status: 400,
    request: () => ({ body: comment().replace('"object":"instagram"', '"object":"page"') }),
  },
  {
    name: 'a signed notification without entry',
    status: 400,
    request: () => ({ body: JSON.stringify({ object: 'instagram' }) }),
  },
  {
    name: 'a signed notification whose change has no field',
    status: 400,
    request: () => ({ body: igNotification([{ changes: [{ value: {} } as never] }]) }),
  },
  {
    name: 'a body over 4 MiB',
    status: 413,
    request: () => ({
      body: igNotification([
        {
          changes: [
            { field: 'comments', value: { ...commentValue('2'), text: 'x'.repeat(4 * 1024 * 1024) } },
          ],
        },
      ]),
    }),
  },
]

for (const r of refusals) {
  t.test(
    `${r.name} is refused with ${r.status} in the shared error shape, and nothing is stored`,
    async (t) => {
      const app = await build(t)
      const { body, headers } = r.request()
      const res = await deliverInstagram(app, body, headers)
      t.equal(res.statusCode, r.status)
      const code = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 413: 'PAYLOAD_TOO_LARGE' }[r.status]
      t.match(res.json(), { error: { code, message: String }, requestId: String })
      if (r.reason) t.equal(res.json().error?.details?.reason, r.reason)
      t.notMatch(res.body, IG_APP_SECRET, 'no secret in the answer')
      t.equal((await storedInstagramMessages(app.nats.namespace)).length, 0)
    },
  )
}

t.test('a notification the stream cannot store is answered 503 so that Meta retries', async (t) => {
  const app = await build(t, { PUBLISH_TIMEOUT_MS: '500' })
  await app.nats.jsm.streams.delete(namespacedStream(app.nats.namespace, Streams.instagramWebhooks).name)
  const res = await deliverInstagram(app, comment())
  t.equal(res.statusCode, 503)
  t.match(res.json(), { error: { code: 'SERVICE_UNAVAILABLE' } })
  t.equal((await app.inject('/readyz')).statusCode, 503, 'readiness reports that nothing can be stored')
})

t.test('without Instagram settings the Instagram routes do not exist and TikTok still works', async (t) => {
  const app = await build(t, { INSTAGRAM_APP_SECRET: '', INSTAGRAM_WEBHOOK_VERIFY_TOKEN: '' })
  t.equal((await deliverInstagram(app, comment())).statusCode, 404)
  t.equal((await app.inject('/webhooks/instagram?hub.mode=subscribe')).statusCode, 404)
})

t.test('an app secret without a verify token (or the reverse) is refused with a clear message', async (t) => {
  t.throws(() => instagramWebhookSettings(testConfig({ INSTAGRAM_WEBHOOK_VERIFY_TOKEN: '' })), {
    message: /INSTAGRAM_APP_SECRET and INSTAGRAM_WEBHOOK_VERIFY_TOKEN must be set together/,
  })
  t.throws(() => instagramWebhookSettings(testConfig({ INSTAGRAM_APP_SECRET: '' })))
  t.equal(
    instagramWebhookSettings(testConfig({ INSTAGRAM_APP_SECRET: '', INSTAGRAM_WEBHOOK_VERIFY_TOKEN: '' })),
    null,
  )
})
