import Fastify from 'fastify'
import t from 'tap'
import { build, connectUser, postForm, waitFor } from './helper.js'
import { receiver } from './webhook-receiver.js'

const SECRET = 'sbx_client_secret'

t.test(
  'a webhook arrives signed, with content as a JSON string, and is retried until HTTP 200',
  async (t) => {
    const hook = await receiver(t, [500, 204, 200])
    const sandbox = await build(t, { webhookUrl: hook.url })
    const user = sandbox.addUser()
    sandbox.revokeAuthorization(user.openId, { reason: 2 })
    await waitFor(() => sandbox.webhookDeliveries()[0]?.state === 'delivered')
    t.equal(hook.received.length, 3, '500 and 204 do not count as delivered')
    t.ok(
      hook.received.every((r) => r.valid),
      'every attempt carries a valid signature',
    )
    t.ok(Math.abs(hook.received[0]!.t - Date.now() / 1000) < 60, 't is unix seconds')
    const body = JSON.parse(hook.received[0]!.raw)
    t.same(Object.keys(body).sort(), ['client_key', 'content', 'create_time', 'event', 'user_openid'])
    t.match(body, { client_key: sandbox.clientKey, event: 'authorization.removed', user_openid: user.openId })
    t.equal(typeof body.content, 'string')
    t.same(JSON.parse(body.content), { reason: 2 })
    const attempts = sandbox.webhookDeliveries()[0]!.attempts
    t.same(
      attempts.map((a) => a.status),
      [500, 204, 200],
    )
    t.ok(attempts[1]!.retryInMs! > attempts[0]!.retryInMs!, 'the scheduled backoff grows')
    t.equal(attempts[2]!.retryInMs, undefined, 'nothing is scheduled after the 200')
  },
)

t.test('retries stop after webhookMaxAttempts', async (t) => {
  const hook = await receiver(t, [500, 500, 500, 500, 500])
  const sandbox = await build(t, { webhookUrl: hook.url, settings: { webhookMaxAttempts: 3 } })
  sandbox.revokeAuthorization(sandbox.addUser().openId)
  await waitFor(() => sandbox.webhookDeliveries()[0]?.state === 'failed')
  t.equal(hook.received.length, 3)
})

t.test('retries stop once the 72 h window has passed on the virtual clock', async (t) => {
  const hook = await receiver(t, [500, 500, 500, 500, 500])
  const sandbox = await build(t, { webhookUrl: hook.url, settings: { webhookRetryBaseDelayMs: 200 } })
  sandbox.revokeAuthorization(sandbox.addUser().openId)
  // The receiver sees the request before the sandbox has read its 500 and scheduled the retry;
  // the clock moves only once that retry is scheduled (inside the window).
  await waitFor(() => sandbox.webhookDeliveries()[0]?.attempts[0]?.retryInMs !== undefined)
  sandbox.advanceClock(72 * 3600_000)
  await waitFor(() => sandbox.webhookDeliveries()[0]?.state === 'failed')
  t.equal(hook.received.length, 2, 'the attempt after the window is the last')
})

t.test(
  'by default a failing delivery is retried with exponential backoff for the whole 72 h window, then dropped',
  async (t) => {
    const hook = await receiver(t, () => 500)
    // The sandbox's defaults (1 s base, 1 h cap, no attempt count), on the virtual clock.
    const sandbox = await build(t, { webhookUrl: hook.url, settings: { webhookRetryBaseDelayMs: 1000 } })
    t.equal(sandbox.getSettings().webhookMaxAttempts, null, 'no attempt count limit by default')
    sandbox.revokeAuthorization(sandbox.addUser().openId)
    const delivery = () => sandbox.webhookDeliveries()[0]!
    /** The latest attempt has its answer and its follow-up (a scheduled retry or the end). */
    const settled = (n: number) => () => {
      const last = delivery()?.attempts[n - 1]
      return last?.status !== undefined && (last.retryAt !== undefined || delivery().state !== 'pending')
    }
    await waitFor(settled(1))
    while (delivery().state === 'pending') {
      const n = delivery().attempts.length
      sandbox.advanceClock(Math.max(0, delivery().attempts[n - 1]!.retryAt! - sandbox.now()))
      await waitFor(settled(n + 1))
    }
    // Expected schedule: delays 1 s, 2 s, … 2048 s, then 1 h each, while within 72 h.
    const windowMs = 72 * 3600_000
    let expected = 1
    for (let at = 0, delay = 1000; at + delay <= windowMs; at += delay, delay = Math.min(delay * 2, 3600_000))
      expected++
    const { attempts, createdAt, state } = delivery()
    t.equal(state, 'failed')
    t.equal(expected, 83)
    t.equal(attempts.length, expected, 'attempts are bounded by the window, not by a small count')
    t.equal(hook.received.length, expected)
    t.same(
      attempts.slice(0, 14).map((a) => a.retryInMs),
      [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3600, 3600].map((s) => s * 1000),
    )
    const lastAt = attempts.at(-1)!.virtualAt - createdAt
    t.ok(lastAt <= windowMs && lastAt > windowMs - 3600_000, 'the last attempt is in the final hour of 72 h')
    t.equal(attempts.at(-1)!.retryAt, undefined, 'nothing is scheduled after the window')
  },
)

t.test('webhook delivery never blocks API responses', async (t) => {
  const app = Fastify()
  app.post('/slow', () => new Promise(() => {})) // never answers
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  const sandbox = await build(t, {
    webhookUrl: `http://127.0.0.1:${port}/slow`,
    settings: { webhookTimeoutMs: 30_000 },
  })
  const { accessToken } = await connectUser(sandbox, ['user.info.basic'])
  const res = await postForm(`${sandbox.url}/v2/oauth/revoke/`, {
    client_key: sandbox.clientKey,
    client_secret: SECRET,
    token: accessToken,
  })
  t.equal(res.status, 200, 'the revoke answered')
  const delivery = sandbox.webhookDeliveries()[0]
  t.equal(delivery?.event, 'authorization.removed')
  t.equal(delivery?.state, 'pending', 'while the receiver still has not answered')
})
