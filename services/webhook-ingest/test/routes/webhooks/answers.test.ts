import { createHmac } from 'node:crypto'
import { namespacedStream, Streams } from '@social-bridge/contracts'
import t from 'tap'
import {
  build,
  CLIENT_SECRET,
  deliver,
  sha256Hex,
  signedHeaders,
  storedMessages,
  webhookBody,
} from '../../helper.js'

const nowSec = () => Math.floor(Date.now() / 1000)

t.test('a signed delivery is answered 200 only after it is stored on tiktok.webhook.<event>', async (t) => {
  const app = await build(t)
  const body = webhookBody({ event: 'post.publish.complete' })
  const res = await deliver(app, body)
  t.equal(res.statusCode, 200)
  t.same(res.json(), {})
  const stored = await storedMessages(app.nats.namespace)
  t.equal(stored.length, 1)
  t.equal(stored[0]?.subject, 'tiktok.webhook.post.publish.complete')
  t.equal(stored[0]?.msgId, sha256Hex(body), 'the JetStream msg id is the SHA-256 of the raw body')
  t.equal(stored[0]?.envelope.id, sha256Hex(body))
})

t.test('the same delivery sent 5 times is answered 200 each time and stored once', async (t) => {
  const app = await build(t)
  const body = webhookBody({ event: 'post.publish.inbox_delivered' })
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) statuses.push((await deliver(app, body)).statusCode)
  t.same(statuses, [200, 200, 200, 200, 200])
  const stored = await storedMessages(app.nats.namespace)
  t.equal(stored.length, 1)
})

t.test(
  'a signed delivery is accepted whatever its content type, since the signature covers the bytes',
  async (t) => {
    const app = await build(t)
    const body = webhookBody()
    const { 'tiktok-signature': signature } = signedHeaders(body)
    const res = await deliver(app, body, {
      'content-type': 'text/plain; charset=utf-8',
      'tiktok-signature': signature!,
    })
    t.equal(res.statusCode, 200)
    t.equal((await storedMessages(app.nats.namespace)).length, 1)
  },
)

t.test('an unknown event name is stored too, on its own subject', async (t) => {
  const app = await build(t)
  const res = await deliver(app, webhookBody({ event: 'video.future.thing', content: { x: 1 } }))
  t.equal(res.statusCode, 200)
  const stored = await storedMessages(app.nats.namespace)
  t.same(
    stored.map((m) => m.subject),
    ['tiktok.webhook.video.future.thing'],
  )
})

t.test(
  'an event name that cannot be a subject is stored under tiktok.webhook.unknown, name kept',
  async (t) => {
    const app = await build(t)
    for (const event of ['post.*.complete', 'post publish', 'a..b', 'x'.repeat(129)]) {
      t.equal((await deliver(app, webhookBody({ event }))).statusCode, 200, event.slice(0, 20))
    }
    const stored = await storedMessages(app.nats.namespace)
    t.same(
      stored.map((m) => m.subject),
      Array(4).fill('tiktok.webhook.unknown'),
    )
    t.same(
      stored.map((m) => m.envelope.data.event),
      ['post.*.complete', 'post publish', 'a..b', 'x'.repeat(129)],
    )
  },
)

t.test('a verified envelope without content is stored with an empty content, not refused', async (t) => {
  // docs/tiktok-api.md §4.3 shows `content` in every example but never says it is always sent; a 400
  // would make TikTok retry a delivery that can never succeed and then lose it.
  const app = await build(t)
  const body = JSON.stringify({
    client_key: 'sbx_client_key',
    event: 'post.publish.complete',
    create_time: 1,
  })
  t.equal((await deliver(app, body)).statusCode, 200)
  const [stored] = await storedMessages(app.nats.namespace)
  t.same(stored?.envelope.data.content, { raw: {} })
})

t.test('a delivery signed with a previous secret is accepted during a rotation', async (t) => {
  const app = await build(t, {
    TIKTOK_CLIENT_SECRET: 'new-secret',
    TIKTOK_CLIENT_SECRETS_PREVIOUS: 'old-1, sbx_client_secret',
  })
  const body = webhookBody()
  t.equal((await deliver(app, body, signedHeaders(body, { secret: 'sbx_client_secret' }))).statusCode, 200)
  t.equal((await deliver(app, body, signedHeaders(body, { secret: 'new-secret' }))).statusCode, 200)
  t.equal((await storedMessages(app.nats.namespace)).length, 1)
})

const refusals: {
  name: string
  status: number
  reason?: string
  /** The delivery; without `headers` it is signed as TikTok signs (`deliver`'s default). */
  request: () => { body: string | Buffer; headers?: Record<string, string> }
}[] = [
  {
    name: 'a tampered body is refused with 401',
    status: 401,
    reason: 'signature_mismatch',
    request: () => {
      const body = webhookBody()
      return { body: body.replace('open_id_1', 'open_id_2'), headers: signedHeaders(body) }
    },
  },
  {
    name: 'a signature made with another secret is refused with 401',
    status: 401,
    reason: 'signature_mismatch',
    request: () => {
      const body = webhookBody()
      return { body, headers: signedHeaders(body, { secret: 'someone-elses-secret' }) }
    },
  },
  {
    name: 'an HMAC of the body alone (without the "t." prefix) sent with a current t is refused with 401',
    status: 401,
    reason: 'signature_mismatch',
    request: () => {
      const body = webhookBody()
      const s = createHmac('sha256', CLIENT_SECRET).update(body).digest('hex')
      return {
        body,
        headers: { 'content-type': 'application/json', 'tiktok-signature': `t=${nowSec()},s=${s}` },
      }
    },
  },
  {
    name: 'a delivery signed an hour in the future is refused with 401',
    status: 401,
    reason: 'timestamp_out_of_tolerance',
    request: () => {
      // Far past the 300 s tolerance: time passing before the check only shrinks a future gap.
      const body = webhookBody()
      return { body, headers: signedHeaders(body, { timestampSec: nowSec() + 3600 }) }
    },
  },
  {
    name: 'a replayed delivery with an old timestamp is refused with 401',
    status: 401,
    reason: 'timestamp_out_of_tolerance',
    request: () => {
      const body = webhookBody()
      return { body, headers: signedHeaders(body, { timestampSec: nowSec() - 301 }) }
    },
  },
  {
    name: 'a delivery without TikTok-Signature is refused with 401',
    status: 401,
    reason: 'missing_header',
    request: () => ({ body: webhookBody(), headers: { 'content-type': 'application/json' } }),
  },
  {
    name: 'a signed delivery for another client_key is refused with 401',
    status: 401,
    reason: 'client_key_mismatch',
    request: () => ({ body: webhookBody({ client_key: 'another_app' }) }),
  },
  {
    name: 'a signed body that is not JSON is refused with 400',
    status: 400,
    request: () => ({ body: 'client_key=sbx_client_key&event=post.publish.complete' }),
  },
  {
    name: 'a signed envelope whose content is not JSON is refused with 400',
    status: 400,
    request: () => ({ body: webhookBody({ content: '{publish_id: nope' }) }),
  },
  {
    name: 'a signed envelope without an event is refused with 400',
    status: 400,
    request: () => ({
      body: JSON.stringify({ client_key: 'sbx_client_key', create_time: 1_700_000_000, content: '{}' }),
    }),
  },
  {
    name: 'a body over 1 MiB is refused with 413',
    status: 413,
    request: () => ({ body: webhookBody({ content: { padding: 'x'.repeat(1024 * 1024) } }) }),
  },
]

for (const r of refusals) {
  t.test(`${r.name}, in the shared error shape, and nothing is stored`, async (t) => {
    const app = await build(t)
    const { body, headers } = r.request()
    const res = await deliver(app, body, headers)
    t.equal(res.statusCode, r.status)
    const code = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 413: 'PAYLOAD_TOO_LARGE' }[r.status]
    t.match(res.json(), { error: { code, message: String }, requestId: String })
    if (r.reason) t.equal(res.json().error?.details?.reason, r.reason)
    t.equal((await storedMessages(app.nats.namespace)).length, 0)
  })
}

t.test('a delivery the stream cannot store is answered 503 so that TikTok retries', async (t) => {
  const app = await build(t, { PUBLISH_TIMEOUT_MS: '500' })
  await app.nats.jsm.streams.delete(namespacedStream(app.nats.namespace, Streams.tiktokWebhooks).name)
  const res = await deliver(app, webhookBody())
  t.equal(res.statusCode, 503)
  t.match(res.json(), { error: { code: 'SERVICE_UNAVAILABLE' } })
  const ready = await app.inject('/readyz')
  t.equal(ready.statusCode, 503, 'readiness reports that nothing can be stored')
})
