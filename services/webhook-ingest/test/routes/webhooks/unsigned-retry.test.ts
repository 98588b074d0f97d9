import { namespacedStream, Streams } from '@social-bridge/contracts'
import { ensureStreams } from '@social-bridge/service-kit'
import { createSandbox } from '@social-bridge/tiktok-sandbox'
import t from 'tap'
import { build, deliver, sha256Hex, storedMessages, waitUntil } from '../../helper.js'

const HOUR_MS = 3600_000

t.test(
  'a retry TikTok did not re-sign is accepted within the configured tolerance and stored once',
  async (t) => {
    // TikTok retries for 72 h and may resend the first signature (docs/tiktok-api.md §0, §4.1)
    const sandbox = await createSandbox({
      settings: { webhookResignRetries: false, webhookRetryBaseDelayMs: HOUR_MS },
    })
    t.teardown(() => sandbox.close())
    const app = await build(
      t,
      { WEBHOOK_TOLERANCE_SEC: String(3 * 24 * 3600), PUBLISH_TIMEOUT_MS: '500' },
      { nowSec: () => Math.floor(sandbox.now() / 1000) }, // the service lives on TikTok's clock here
    )
    sandbox.updateConfig({
      webhookUrl: `${await app.listen({ host: '127.0.0.1', port: 0 })}/webhooks/tiktok`,
    })

    // the first attempt cannot be stored (503), so TikTok retries
    const stream = namespacedStream(app.nats.namespace, Streams.tiktokWebhooks).name
    await app.nats.jsm.streams.delete(stream)
    sandbox.revokeAuthorization(sandbox.addUser().openId)
    const delivery = () => sandbox.webhookDeliveries()[0]!
    t.ok(await waitUntil(() => delivery().attempts[0]?.status === 503), 'first attempt answered 503')
    await ensureStreams(app.nats.jsm, [Streams.tiktokWebhooks], app.nats.namespace)

    sandbox.advanceClock(71 * HOUR_MS) // the retry comes 71 h later, with the first signature
    t.ok(await waitUntil(() => delivery().state === 'delivered'), 'the late retry was answered 200')
    const [first, retry] = delivery().attempts
    t.equal(retry?.signature, first?.signature, 'the retry was not re-signed')
    const signedAtSec = Number(/t=(\d+)/.exec(first!.signature)?.[1])
    t.ok((retry!.virtualAt ?? 0) / 1000 - signedAtSec > 70 * 3600, 'its t was about 71 h old')

    const body = delivery().body
    const again = await deliver(app, body, {
      'content-type': 'application/json',
      'tiktok-signature': first!.signature,
    })
    t.equal(again.statusCode, 200, 'one more copy of the same delivery is answered 200')
    const { duplicate_window } = (await app.nats.jsm.streams.info(stream)).config
    t.ok(duplicate_window >= 3 * 24 * 3600 * 1e9, 'the stream dedupes over the whole tolerance')
    const stored = await storedMessages(app.nats.namespace)
    t.same(
      stored.map((m) => m.msgId),
      [sha256Hex(body)],
      'stored exactly once',
    )
  },
)
