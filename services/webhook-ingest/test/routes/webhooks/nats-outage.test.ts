import { startPrivateNats } from '@social-bridge/service-kit/testing'
import { createSandbox } from '@social-bridge/tiktok-sandbox'
import t from 'tap'
import { build, sha256Hex, storedMessages, waitUntil } from '../../helper.js'

const NAMESPACE = 'outage'

t.test(
  'while NATS is stopped ingest answers 503; once it is back the sandbox retries succeed and each event is stored exactly once',
  async (t) => {
    const nats = await startPrivateNats()
    t.teardown(() => nats.cleanup())
    const app = await build(t, { NATS_URL: nats.url, NATS_NAMESPACE: NAMESPACE, PUBLISH_TIMEOUT_MS: '250' })
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    const sandbox = await createSandbox({
      webhookUrl: `${address}/webhooks/tiktok`,
      settings: { webhookRetryBaseDelayMs: 100, webhookRetryMaxDelayMs: 400, webhookMaxAttempts: 500 },
    })
    t.teardown(() => sandbox.close())
    const deliveries = () => sandbox.webhookDeliveries()
    const allDelivered = () => deliveries().every((d) => d.state === 'delivered')
    const users = Array.from({ length: 6 }, () => sandbox.addUser())

    // before the outage
    for (const u of users.slice(0, 2)) sandbox.revokeAuthorization(u.openId, { reason: 1 })
    t.ok(await waitUntil(() => deliveries().length === 2 && allDelivered()))

    await nats.stop('SIGTERM')
    for (const u of users.slice(2)) sandbox.revokeAuthorization(u.openId, { reason: 4 })
    const during = () => deliveries().slice(2)
    t.ok(
      await waitUntil(() => during().every((d) => d.attempts.filter((a) => a.status === 503).length >= 2)),
      'every event sent during the outage was answered 503, and retried',
    )
    t.equal((await app.inject('/readyz')).statusCode, 503, 'not ready while NATS is down')
    const answeredWhileDown = during().flatMap((d) => d.attempts.filter((a) => a.status !== undefined))
    t.same(
      new Set(answeredWhileDown.map((a) => a.status)),
      new Set([503]),
      'no 200 while nothing could be stored',
    )
    t.ok(during().every((d) => d.state === 'pending'))

    await nats.start()
    t.ok(await waitUntil(() => allDelivered(), 20_000), 'the retries succeed once NATS is back')
    t.equal((await app.inject('/readyz')).statusCode, 200, 'ready again')

    const stored = await storedMessages(NAMESPACE, nats.url)
    t.equal(stored.length, 6, 'one message per event, none twice')
    for (const d of deliveries()) {
      t.equal(stored.filter((m) => m.msgId === sha256Hex(d.body)).length, 1, `delivery ${d.id} stored once`)
      t.equal(d.attempts.filter((a) => a.status === 200).length, 1, `delivery ${d.id} answered 200 once`)
    }
  },
)
