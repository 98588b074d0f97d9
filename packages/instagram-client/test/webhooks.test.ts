import { createHmac } from 'node:crypto'
import t from 'tap'
import {
  answerHandshake,
  InstagramWebhookPayloadError,
  parseCommentValue,
  parseWebhookNotification,
  signWebhookPayload,
  verifyWebhookSignature,
} from '../src/index.js'

const body = JSON.stringify({
  object: 'instagram',
  entry: [
    {
      id: '17841400000000001',
      time: 1_700_000_000,
      changes: [
        {
          field: 'comments',
          value: {
            id: '17900000000000001',
            text: 'hi',
            from: { id: '9001', username: 'fan' },
            media: { id: '18000000000000001', media_product_type: 'REELS' },
          },
        },
      ],
    },
  ],
})

t.test(
  'X-Hub-Signature-256 is sha256= and the hex HMAC-SHA256 of the raw body with the app secret',
  async (t) => {
    const expected = `sha256=${createHmac('sha256', 'secret').update(body).digest('hex')}`
    t.equal(signWebhookPayload('secret', body), expected)
    t.same(verifyWebhookSignature({ header: expected, rawBody: Buffer.from(body), secrets: ['secret'] }), {
      ok: true,
      secretIndex: 0,
    })
    t.same(
      verifyWebhookSignature({
        header: expected.toUpperCase().replace('SHA256', 'sha256'),
        rawBody: body,
        secrets: ['new', 'secret'],
      }),
      {
        ok: true,
        secretIndex: 1,
      },
    )
    t.same(verifyWebhookSignature({ header: expected, rawBody: `${body} `, secrets: ['secret'] }), {
      ok: false,
      reason: 'signature_mismatch',
    })
    t.same(verifyWebhookSignature({ header: 'sha1=abc', rawBody: body, secrets: ['secret'] }), {
      ok: false,
      reason: 'malformed_header',
    })
    t.same(verifyWebhookSignature({ header: undefined, rawBody: body, secrets: ['secret'] }), {
      ok: false,
      reason: 'missing_header',
    })
  },
)

t.test('app secrets given as KeyObjects verify like the strings they hold', async (t) => {
  const { createSecretKey } = await import('node:crypto')
  const header = signWebhookPayload('secret', body)
  const keys = ['new', 'secret'].map((s) => createSecretKey(s, 'utf8'))
  t.same(verifyWebhookSignature({ header, rawBody: body, secrets: keys }), { ok: true, secretIndex: 1 })
  t.same(verifyWebhookSignature({ header, rawBody: body, secrets: keys.slice(0, 1) }), {
    ok: false,
    reason: 'signature_mismatch',
  })
})

t.test('the handshake answers the raw challenge only for subscribe and the right verify token', async (t) => {
  t.equal(
    answerHandshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 'vt', 'hub.challenge': '123' }, 'vt'),
    '123',
  )
  t.equal(
    answerHandshake({ 'hub.mode': 'subscribe', 'hub.verify_token': 'vx', 'hub.challenge': '123' }, 'vt'),
    null,
  )
  t.equal(
    answerHandshake({ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'vt', 'hub.challenge': '123' }, 'vt'),
    null,
  )
  t.equal(answerHandshake({ 'hub.mode': 'subscribe', 'hub.challenge': '123' }, 'vt'), null)
})

t.test('a notification parses into its changes; a comment value into the comment', async (t) => {
  const n = parseWebhookNotification(body)
  t.equal(n.object, 'instagram')
  t.same(
    n.changes.map((c) => [c.igUserId, c.time, c.field]),
    [['17841400000000001', 1_700_000_000, 'comments']],
  )
  t.same(parseCommentValue(n.changes[0]?.value), {
    id: '17900000000000001',
    mediaId: '18000000000000001',
    mediaProductType: 'REELS',
    text: 'hi',
    fromId: '9001',
    username: 'fan',
  })
  t.equal(parseCommentValue({ text: 'no ids' }), undefined)
  const messaging = parseWebhookNotification(
    JSON.stringify({
      object: 'instagram',
      entry: [{ id: '1', time: 1_700_000_000_123, messaging: [{ sender: { id: '2' } }] }],
    }),
  )
  t.same(
    messaging.changes,
    [{ igUserId: '1', time: 1_700_000_000, field: 'messaging', value: { sender: { id: '2' } } }],
    'ms time scaled to s',
  )
  for (const bad of ['nope', '{}', '{"object":"instagram"}', '{"object":"instagram","entry":[{"time":1}]}']) {
    t.throws(() => parseWebhookNotification(bad), InstagramWebhookPayloadError, bad)
  }
})
