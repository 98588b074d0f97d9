import { startPrivateNats } from '@social-bridge/service-kit/testing'
import { addIgComment, createSandbox, type IgMedia } from '@social-bridge/tiktok-sandbox'
import t from 'tap'
import { build, IG_VERIFY_TOKEN, storedInstagramMessages, waitUntil } from '../../helper.js'

const NAMESPACE = 'igoutage'

t.test(
  'while NATS is stopped Instagram notifications are answered 503; Meta’s retries then store each change exactly once',
  async (t) => {
    const nats = await startPrivateNats()
    t.teardown(() => nats.cleanup())
    const app = await build(t, { NATS_URL: nats.url, NATS_NAMESPACE: NAMESPACE, PUBLISH_TIMEOUT_MS: '250' })
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    const sandbox = await createSandbox({
      // Meta's growing gaps, shortened: retries keep coming while NATS is down
      instagram: { webhookSettings: { retryDelaysMs: [0, ...Array(200).fill(100)] } },
    })
    t.teardown(() => sandbox.close())
    const ig = sandbox.instagram
    t.ok(
      (
        await ig.webhooks.subscribe({
          callbackUrl: `${address}/webhooks/instagram`,
          verifyToken: IG_VERIFY_TOKEN,
        })
      ).ok,
    )
    const account = ig.addAccount()
    const media: IgMedia = {
      id: '18000000000000777',
      igUserId: account.igUserId,
      containerId: '17900000000000777',
      mediaType: 'VIDEO',
      mediaProductType: 'REELS',
      shortcode: 'C777',
      permalink: 'https://www.instagram.com/reel/C777/',
      timestamp: sandbox.now(),
    }
    ig.store.media.set(media.id, media)
    const deliveries = () => ig.webhooks.deliveries()

    await nats.stop('SIGTERM')
    addIgComment(ig, { mediaId: media.id, text: 'during the outage 1' })
    addIgComment(ig, { mediaId: media.id, text: 'during the outage 2' })
    t.ok(
      await waitUntil(
        () =>
          deliveries().length === 1 && deliveries()[0]!.attempts.filter((a) => a.status === 503).length >= 2,
      ),
      'answered 503 and retried',
    )
    t.same(
      new Set(
        deliveries()[0]!
          .attempts.filter((a) => a.status !== undefined)
          .map((a) => a.status),
      ),
      new Set([503]),
      'no 200 while nothing could be stored',
    )
    t.equal((await app.inject('/readyz')).statusCode, 503)

    await nats.start()
    t.ok(
      await waitUntil(() => deliveries()[0]?.state === 'delivered', 20_000),
      'a retry succeeds once NATS is back',
    )
    const stored = await storedInstagramMessages(NAMESPACE, nats.url)
    t.same(
      stored.map((m) => m.envelope.data.comment?.text).sort(),
      ['during the outage 1', 'during the outage 2'],
      'each change stored exactly once',
    )
    t.equal(deliveries()[0]!.attempts.filter((a) => a.status === 200).length, 1, 'answered 200 once')
  },
)
