import { Subjects } from '@social-bridge/contracts'
import { sampleValue } from '@social-bridge/service-kit/testing'
import t from 'tap'
import {
  asUser,
  build,
  createEndpoint,
  newTenant,
  postPublished,
  startReceiver,
  statusChanged,
  waitUntil,
} from '../helper.js'

/**
 * Deliveries end to end on one app: domain events on SOCIAL_EVENTS → public events → signed POSTs
 * to real receivers that verify them with the `standardwebhooks` library.
 */
const ctx = await build(t)
const { app, emit } = ctx
const tenantA = newTenant()
const tenantB = newTenant()

const attemptsOf = async (tenant: string, endpointId: string) =>
  (
    await app.inject({ url: `/webhook-endpoints/${endpointId}/deliveries`, headers: await asUser(tenant) })
  ).json().items as {
    eventId: string
    httpStatus: number | null
    error: string | null
    deliveryStatus: string
    attempt: number
  }[]

t.test(
  'every delivery verifies, carries the event once per webhook-id, and tenant B sees none of A',
  async (t) => {
    const a = await startReceiver(t)
    const b = await startReceiver(t)
    const epA = await createEndpoint(app, tenantA, { url: a.url })
    const epB = await createEndpoint(app, tenantB, { url: b.url })
    a.secrets = [epA.secret]
    b.secrets = [epB.secret]
    const ids = [
      await emit(Subjects.postStatusChanged, tenantA, statusChanged('queued', 'uploading')),
      await emit(Subjects.postPublished, tenantA, postPublished('v_pub_1', ['7300000000000000001'])),
      await emit(Subjects.connectionRefreshed, tenantA, {}), // internal only: never public
    ]
    const idB = await emit(Subjects.postStatusChanged, tenantB, statusChanged('queued', 'failed'))
    t.ok(await waitUntil(() => a.received.length >= 2 && b.received.length >= 1))
    await waitUntil(() => false, 300) // anything extra would arrive now
    t.same(
      a.received.map((r) => r.id).sort(),
      ids.slice(0, 2).sort(),
      'each event once, same id as the domain event',
    )
    t.same(a.received.map((r) => r.type).sort(), ['post.published', 'post.status_changed'])
    for (const r of a.received) {
      t.same(r.verifiedBy, [0], `${r.type} verifies with the endpoint secret`)
      t.match(r.headers['webhook-signature'], /^v1,[A-Za-z0-9+/=]+$/)
      t.match(r.body, { type: r.type, tenantId: tenantA, version: 1, data: {} })
      t.notMatch(JSON.stringify(r.body), /token|secret/i)
    }
    t.same(
      b.received.map((r) => r.id),
      [idB],
      "tenant B's endpoint got only its own event",
    )
    t.match(b.received[0]?.body, {
      type: 'post.status_changed',
      data: { status: 'failed', previousStatus: 'queued' },
    })
  },
)

t.test('a receiver down for a while gets every event once it is back, with the same ids', async (t) => {
  const r = await startReceiver(t)
  const ep = await createEndpoint(app, tenantA, { url: r.url, events: ['post.*'] })
  r.secrets = [ep.secret]
  await r.stop()
  const ids = [
    await emit(Subjects.postStatusChanged, tenantA, statusChanged('uploading', 'processing')),
    await emit(Subjects.postFailed, tenantA, {
      postId: '00000000-0000-4000-8000-0000000000bb',
      connectionId: '00000000-0000-4000-8000-000000000001',
      failReason: 'spam_risk',
      message: 'TikTok refused the post',
    }),
  ]
  t.ok(
    await waitUntil(async () => {
      const failed = (await attemptsOf(tenantA, ep.id)).filter((a) => a.httpStatus === null && a.error)
      return ids.every((id) => failed.some((a) => a.eventId === id && a.deliveryStatus === 'pending'))
    }),
    'failed attempts are recorded with their error and stay pending',
  )
  await r.start()
  t.ok(await waitUntil(() => r.received.length >= 2))
  t.same(r.received.map((x) => x.id).sort(), ids.sort())
  t.ok(r.received.every((x) => x.verifiedBy.length === 1))
  t.ok(
    await waitUntil(async () => {
      const log = await attemptsOf(tenantA, ep.id)
      return ids.every((id) =>
        log.some((a) => a.eventId === id && a.deliveryStatus === 'delivered' && a.attempt > 1),
      )
    }),
    'the log shows each delivered on a later attempt',
  )
})

t.test(
  'after a rotation both secrets verify during the overlap, and the old one is refused after it',
  async (t) => {
    const r = await startReceiver(t)
    const ep = await createEndpoint(app, tenantA, { url: r.url, events: ['post.status_changed'] })
    const rotated = await app.inject({
      method: 'POST',
      url: `/webhook-endpoints/${ep.id}/rotate-secret`,
      headers: await asUser(tenantA),
    })
    t.equal(rotated.statusCode, 200)
    const fresh = rotated.json().secret as string
    t.not(fresh, ep.secret)
    r.secrets = [ep.secret, fresh]
    await emit(Subjects.postStatusChanged, tenantA, statusChanged('queued', 'uploading'))
    t.ok(await waitUntil(() => r.received.length === 1))
    t.same(r.received[0]?.verifiedBy, [0, 1], 'old and new secret both verify')
    // the overlap ends (24 h in production): expire it in the row
    await app.sql`update dispatch.endpoints set previous_secret_expires_at = now() - interval '1 second' where id = ${ep.id}`
    await emit(Subjects.postStatusChanged, tenantA, statusChanged('uploading', 'processing'))
    t.ok(await waitUntil(() => r.received.length === 2))
    t.same(r.received[1]?.verifiedBy, [1], 'only the new secret verifies')
  },
)

t.test('410 Gone disables the endpoint and says why', async (t) => {
  const r = await startReceiver(t)
  r.mode = { kind: 'status', status: 410 }
  const ep = await createEndpoint(app, tenantA, { url: r.url, events: ['post.status_changed'] })
  await emit(Subjects.postStatusChanged, tenantA, statusChanged('queued', 'uploading'))
  const get = async () =>
    (await app.inject({ url: `/webhook-endpoints/${ep.id}`, headers: await asUser(tenantA) })).json()
  t.ok(await waitUntil(async () => (await get()).disabled === true))
  t.match(await get(), { disabled: true, disabledReason: 'gone' })
  const [attempt] = await attemptsOf(tenantA, ep.id)
  t.match(attempt, { httpStatus: 410, deliveryStatus: 'failed', nextRetryAt: null })
  t.ok(
    (attempt as unknown as { responseBody: string }).responseBody.length <= 1024,
    'response body truncated in the log',
  )
})

t.test('a redirect is not followed', async (t) => {
  const target = await startReceiver(t)
  const r = await startReceiver(t)
  r.mode = { kind: 'redirect', location: target.url }
  const ep = await createEndpoint(app, tenantA, { url: r.url, events: ['post.status_changed'] })
  await emit(Subjects.postStatusChanged, tenantA, statusChanged('queued', 'uploading'))
  t.ok(await waitUntil(async () => (await attemptsOf(tenantA, ep.id)).length > 0))
  t.match((await attemptsOf(tenantA, ep.id))[0], {
    httpStatus: 302,
    error: 'redirect not followed',
    deliveryStatus: 'pending',
  })
  t.equal(target.received.length, 0, 'the redirect target was never called')
})

t.test('the test button sends a signed ping', async (t) => {
  const r = await startReceiver(t)
  const ep = await createEndpoint(app, tenantA, { url: r.url, events: ['post.published'] })
  r.secrets = [ep.secret]
  const res = await app.inject({
    method: 'POST',
    url: `/webhook-endpoints/${ep.id}/test`,
    headers: await asUser(tenantA),
  })
  t.equal(res.statusCode, 202)
  t.ok(await waitUntil(() => r.received.length === 1))
  t.match(r.received[0], {
    type: 'ping',
    id: res.json().eventId,
    verifiedBy: [0],
    body: { data: { endpointId: ep.id } },
  })
})

t.test(
  'a slow endpoint holds at most DELIVERY_ENDPOINT_CONCURRENCY attempts; the others go on',
  async (t) => {
    const tenant = newTenant()
    const slow = await startReceiver(t)
    const fast = await startReceiver(t)
    slow.mode = { kind: 'hang' }
    await createEndpoint(app, tenant, { url: slow.url, events: ['post.published'] })
    const epFast = await createEndpoint(app, tenant, { url: fast.url, events: ['post.published'] })
    fast.secrets = [epFast.secret]
    const ids: string[] = []
    for (let i = 0; i < 10; i++)
      ids.push(await emit(Subjects.postPublished, tenant, postPublished(`v_pub_s${i}`)))
    t.ok(await waitUntil(() => fast.received.length === 10), 'the other endpoint gets every event meanwhile')
    t.ok(await waitUntil(() => slow.held() === ctx.config.DELIVERY_ENDPOINT_CONCURRENCY))
    await waitUntil(() => false, 300) // more would arrive now
    t.equal(
      slow.held(),
      ctx.config.DELIVERY_ENDPOINT_CONCURRENCY,
      'no more attempts in flight to the slow one',
    )
    slow.mode = { kind: 'ok' }
    slow.release()
    t.ok(await waitUntil(() => slow.received.length === 10 - ctx.config.DELIVERY_ENDPOINT_CONCURRENCY))
    t.same(fast.received.map((r) => r.id).sort(), [...ids].sort())
  },
)

t.test('/metrics counts the attempts above by outcome (the CRM-webhook alert reads it)', async (t) => {
  const text = (await app.inject('/metrics')).body
  const count = (outcome: string) =>
    sampleValue(text, 'social_bridge_crm_webhook_deliveries_total', { outcome }) ?? 0
  t.ok(count('delivered') >= 1, 'delivered attempts')
  t.ok(count('gone') >= 1, 'the 410 above')
  t.ok(count('failed') + count('error') >= 1, 'the receiver outage and the redirect above')
  const timed = sampleValue(text, 'social_bridge_crm_webhook_delivery_duration_seconds_count', {
    outcome: 'delivered',
  })
  t.equal(timed, count('delivered'), 'every attempt is timed')
})
