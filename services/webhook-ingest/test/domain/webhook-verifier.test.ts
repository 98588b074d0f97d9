import { signWebhook } from '@social-bridge/tiktok-client'
import t from 'tap'
import { createWebhookVerifier } from '../../src/domain/webhook-verifier.js'
import { webhookBody } from '../helper.js'

const NOW = 1_800_000_000
const verifier = createWebhookVerifier({
  clientKey: 'sbx_client_key',
  secrets: ['current', 'previous'],
  toleranceSec: 60,
  nowSec: () => NOW,
})
const body = Buffer.from(webhookBody())
/** The error `fn` throws (401/400 public errors carry `statusCode` and `details`). */
function thrown(fn: () => unknown): { statusCode?: number; details?: { reason?: string } } | undefined {
  try {
    fn()
  } catch (err) {
    return err as { statusCode?: number; details?: { reason?: string } }
  }
  return undefined
}
const sign = (secret: string, timestampSec = NOW) => signWebhook({ secret, rawBody: body, timestampSec })

t.test('a signature by any of the accepted secrets verifies and yields the parsed event', async (t) => {
  t.equal(verifier.verify(sign('current'), body).event, 'post.publish.complete')
  t.equal(verifier.verify(sign('previous'), body).userOpenId, 'open_id_1')
})

t.test('the tolerance is configurable and applies both ways', async (t) => {
  t.ok(verifier.verify(sign('current', NOW - 60), body))
  t.ok(verifier.verify(sign('current', NOW + 60), body))
  t.equal(thrown(() => verifier.verify(sign('current', NOW - 61), body))?.statusCode, 401)
  t.equal(thrown(() => verifier.verify(sign('current', NOW + 61), body))?.statusCode, 401)
})

t.test('a malformed signature header is refused with 401 and says why', async (t) => {
  const err = thrown(() => verifier.verify('s=abc', body))
  t.equal(err?.statusCode, 401)
  t.equal(err?.details?.reason, 'malformed_header')
})

t.test('a create_time that is not Unix seconds is refused with 400', async (t) => {
  const raw = Buffer.from(webhookBody({ create_time: 1.5 }))
  const header = signWebhook({ secret: 'current', rawBody: raw, timestampSec: NOW })
  t.equal(thrown(() => verifier.verify(header, raw))?.statusCode, 400)
})
