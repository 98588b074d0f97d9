import t from 'tap'
import {
  parseWebhookEvent,
  signWebhook,
  TikTokWebhookPayloadError,
  verifyWebhookSignature,
} from '../src/index.js'

const secret = 'whsec_current'
const body =
  '{"client_key":"ck","event":"post.publish.publicly_available","create_time":1700000000,"user_openid":"u1","content":"{\\"publish_id\\":\\"v_pub_file~v2-1.1\\",\\"post_id\\":7077642457847994444,\\"publish_type\\":\\"DIRECT_POST\\"}"}'
const now = 1_700_000_100

t.test('a signature made with the secret verifies', async (t) => {
  const header = signWebhook({ secret, rawBody: body, timestampSec: now })
  t.match(header, /^t=1700000100,s=[0-9a-f]{64}$/)
  t.same(verifyWebhookSignature({ header, rawBody: body, secrets: secret, nowSec: now }), {
    ok: true,
    timestampSec: now,
    secretIndex: 0,
  })
})

t.test('the signature is the hex HMAC-SHA256 of t + "." + body (TikTok docs example shape)', async (t) => {
  const header = signWebhook({ secret: 'abc', rawBody: 'x', timestampSec: 1 })
  const { createHmac } = await import('node:crypto')
  t.equal(header, `t=1,s=${createHmac('sha256', 'abc').update('1.x').digest('hex')}`)
})

t.test('a tampered body is refused', async (t) => {
  const header = signWebhook({ secret, rawBody: body, timestampSec: now })
  const r = verifyWebhookSignature({
    header,
    rawBody: body.replace('u1', 'u2'),
    secrets: secret,
    nowSec: now,
  })
  t.same(r, { ok: false, reason: 'signature_mismatch' })
})

t.test('a signature from another secret is refused', async (t) => {
  const header = signWebhook({ secret: 'someone-else', rawBody: body, timestampSec: now })
  t.same(verifyWebhookSignature({ header, rawBody: body, secrets: secret, nowSec: now }), {
    ok: false,
    reason: 'signature_mismatch',
  })
})

t.test('an HMAC of the body alone (without the "t." prefix) is refused, even with a current t', async (t) => {
  const { createHmac } = await import('node:crypto')
  const bodyOnly = createHmac('sha256', secret).update(body).digest('hex')
  t.same(
    verifyWebhookSignature({ header: `t=${now},s=${bodyOnly}`, rawBody: body, secrets: secret, nowSec: now }),
    { ok: false, reason: 'signature_mismatch' },
  )
  const noDot = createHmac('sha256', secret).update(`${now}${body}`).digest('hex')
  t.same(
    verifyWebhookSignature({ header: `t=${now},s=${noDot}`, rawBody: body, secrets: secret, nowSec: now }),
    { ok: false, reason: 'signature_mismatch' },
    't + body without the "." is refused too',
  )
})

t.test('the tolerance applies both ways: too far in the past or the future is refused', async (t) => {
  const at = (timestampSec: number, toleranceSec?: number) =>
    verifyWebhookSignature({
      header: signWebhook({ secret, rawBody: body, timestampSec }),
      rawBody: body,
      secrets: secret,
      nowSec: now,
      ...(toleranceSec === undefined ? {} : { toleranceSec }),
    })
  t.same(at(now + 301), { ok: false, reason: 'timestamp_out_of_tolerance' }, '301 s in the future')
  t.same(at(now - 301), { ok: false, reason: 'timestamp_out_of_tolerance' }, '301 s in the past')
  t.same(at(now + 300), { ok: true, timestampSec: now + 300, secretIndex: 0 }, '300 s in the future')
  t.same(at(now - 300), { ok: true, timestampSec: now - 300, secretIndex: 0 }, '300 s in the past')
  t.same(at(now + 61, 60), { ok: false, reason: 'timestamp_out_of_tolerance' }, 'a custom tolerance, future')
  t.same(at(now - 61, 60), { ok: false, reason: 'timestamp_out_of_tolerance' }, 'a custom tolerance, past')
  t.equal(at(now + 86_400).ok, false, 'a day ahead')
})

t.test('a timestamp older than the tolerance is refused, inside it accepted', async (t) => {
  const header = signWebhook({ secret, rawBody: body, timestampSec: now - 301 })
  t.same(verifyWebhookSignature({ header, rawBody: body, secrets: secret, nowSec: now }), {
    ok: false,
    reason: 'timestamp_out_of_tolerance',
  })
  t.equal(
    verifyWebhookSignature({ header, rawBody: body, secrets: secret, nowSec: now, toleranceSec: 600 }).ok,
    true,
  )
})

t.test('during a secret rotation either secret verifies', async (t) => {
  const header = signWebhook({ secret: 'whsec_old', rawBody: body, timestampSec: now })
  const r = verifyWebhookSignature({
    header,
    rawBody: Buffer.from(body),
    secrets: [secret, 'whsec_old'],
    nowSec: now,
  })
  t.same(r, { ok: true, timestampSec: now, secretIndex: 1 })
})

t.test('secrets given as KeyObjects verify like the strings they hold', async (t) => {
  const { createSecretKey } = await import('node:crypto')
  const header = signWebhook({ secret: 'whsec_old', rawBody: body, timestampSec: now })
  const keys = [secret, 'whsec_old'].map((s) => createSecretKey(s, 'utf8'))
  t.same(verifyWebhookSignature({ header, rawBody: body, secrets: keys, nowSec: now }), {
    ok: true,
    timestampSec: now,
    secretIndex: 1,
  })
  t.same(verifyWebhookSignature({ header, rawBody: body, secrets: keys[0]!, nowSec: now }), {
    ok: false,
    reason: 'signature_mismatch',
  })
})

t.test('the hex signature is read in either case, and nothing but 64 hex digits matches', async (t) => {
  const header = signWebhook({ secret, rawBody: body, timestampSec: now })
  const hex = header.slice(header.indexOf('s=') + 2)
  const check = (s: string) =>
    verifyWebhookSignature({ header: `t=${now},s=${s}`, rawBody: body, secrets: secret, nowSec: now })
  t.equal(check(hex.toUpperCase()).ok, true, 'upper case')
  t.same(check(`${hex}00`), { ok: false, reason: 'signature_mismatch' }, 'trailing hex digits')
  t.same(check(`${hex}zz`), { ok: false, reason: 'signature_mismatch' }, 'trailing non-hex characters')
  t.same(check(hex.slice(0, 62)), { ok: false, reason: 'signature_mismatch' }, 'a digit short')
  t.equal(
    verifyWebhookSignature({ header: `t=${now},s=00,s=${hex}`, rawBody: body, secrets: secret, nowSec: now })
      .ok,
    true,
    'any of several s= values may match',
  )
})

t.test('missing and malformed headers are refused', async (t) => {
  t.same(verifyWebhookSignature({ header: undefined, rawBody: body, secrets: secret }), {
    ok: false,
    reason: 'missing_header',
  })
  for (const header of ['garbage', 't=abc,s=00', 't=1']) {
    t.same(verifyWebhookSignature({ header, rawBody: body, secrets: secret }), {
      ok: false,
      reason: 'malformed_header',
    })
  }
})

t.test('the envelope is parsed and its content string decoded, keeping the 19-digit post id', async (t) => {
  const e = parseWebhookEvent(body)
  t.equal(e.event, 'post.publish.publicly_available')
  t.equal(e.clientKey, 'ck')
  t.equal(e.createTime, 1700000000)
  t.equal(e.userOpenId, 'u1')
  t.equal(e.content.postId, '7077642457847994444')
  t.equal(e.content.publishId, 'v_pub_file~v2-1.1')
  t.equal(e.content.publishType, 'DIRECT_POST')
})

t.test('authorization.removed carries its numeric reason; a missing user_openid is tolerated', async (t) => {
  const e = parseWebhookEvent(
    JSON.stringify({
      client_key: 'ck',
      event: 'authorization.removed',
      create_time: 1,
      content: '{"reason":5}',
    }),
  )
  t.equal(e.content.reason, 5)
  t.equal(e.userOpenId, undefined)
})

t.test('a body that is not the envelope is refused with a payload error', async (t) => {
  t.throws(() => parseWebhookEvent('not json'), TikTokWebhookPayloadError)
  t.throws(() => parseWebhookEvent('{"event":"x"}'), TikTokWebhookPayloadError)
  t.throws(
    () => parseWebhookEvent('{"client_key":"ck","event":"x","create_time":1,"content":"{broken"}'),
    TikTokWebhookPayloadError,
  )
})
