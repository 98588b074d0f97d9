import { Subjects } from '@social-bridge/contracts'
import t from 'tap'
import {
  asUser,
  build,
  createEndpoint,
  newTenant,
  startReceiver,
  statusChanged,
  waitUntil,
} from '../helper.js'

/** The endpoints API: admin only, tenant-scoped, secrets sealed at rest, SSRF refusals. Gives up after 300 ms here. */
const ctx = await build(t, { DELIVERY_GIVE_UP_MS: 300 })
const { app } = ctx
const tenantA = newTenant()
const tenantB = newTenant()
const call = async (
  tenant: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  roles?: string[],
) => app.inject({ method, url, payload, headers: await asUser(tenant, roles) })

t.test('create shows the secret once; reads never do; the database holds it sealed', async (t) => {
  const created = await call(tenantA, 'POST', '/webhook-endpoints', {
    url: 'http://localhost:9/hooks',
    events: ['post.*', 'connection.revoked'],
    description: 'CRM',
  })
  t.equal(created.statusCode, 201)
  const ep = created.json()
  t.match(ep, { url: 'http://localhost:9/hooks', events: ['post.*', 'connection.revoked'], disabled: false })
  t.match(ep.secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
  const read = await call(tenantA, 'GET', `/webhook-endpoints/${ep.id}`)
  t.equal(read.statusCode, 200)
  t.notOk('secret' in read.json())
  const list = await call(tenantA, 'GET', '/webhook-endpoints')
  t.same(
    list.json().items.map((e: { id: string }) => e.id),
    [ep.id],
  )
  t.notMatch(list.body, ep.secret)
  const rows = await app.sql`select * from dispatch.endpoints`
  const dump = JSON.stringify(rows)
  t.notMatch(dump, ep.secret.slice(6), 'not stored in clear')
  t.notMatch(dump, Buffer.from(ep.secret.slice(6), 'base64').toString('hex'))
})

t.test("admins only, and another tenant's endpoint answers 404", async (t) => {
  const ep = await createEndpoint(app, tenantA, { url: 'http://localhost:9/x' })
  t.equal((await call(tenantA, 'GET', '/webhook-endpoints', undefined, ['social_marketing'])).statusCode, 403)
  t.equal(
    (
      await call(tenantA, 'POST', '/webhook-endpoints', { url: 'http://localhost:9/', events: ['*'] }, [
        'sales',
      ])
    ).statusCode,
    403,
  )
  for (const [method, path] of [
    ['GET', ''],
    ['PATCH', ''],
    ['DELETE', ''],
    ['POST', '/rotate-secret'],
    ['POST', '/test'],
    ['GET', '/deliveries'],
  ] as const)
    t.equal(
      (
        await call(
          tenantB,
          method,
          `/webhook-endpoints/${ep.id}${path}`,
          method === 'PATCH' ? { description: 'x' } : undefined,
        )
      ).statusCode,
      404,
      `${method} ${path}`,
    )
  t.same((await call(tenantB, 'GET', '/webhook-endpoints')).json().items, [])
})

t.test('patch and delete', async (t) => {
  const ep = await createEndpoint(app, tenantA, { url: 'http://localhost:9/x' })
  const patched = await call(tenantA, 'PATCH', `/webhook-endpoints/${ep.id}`, {
    events: ['post.published'],
    disabled: true,
  })
  t.match(patched.json(), { events: ['post.published'], disabled: true, disabledReason: 'user' })
  t.match((await call(tenantA, 'PATCH', `/webhook-endpoints/${ep.id}`, { disabled: false })).json(), {
    disabled: false,
    disabledReason: null,
  })
  t.equal((await call(tenantA, 'DELETE', `/webhook-endpoints/${ep.id}`)).statusCode, 204)
  t.equal((await call(tenantA, 'GET', `/webhook-endpoints/${ep.id}`)).statusCode, 404)
})

t.test(
  'SSRF: plain http outside the allowlist, loopback, private and metadata addresses are refused',
  async (t) => {
    for (const url of [
      'http://127.0.0.1:8080/hooks',
      'http://169.254.169.254/latest/meta-data/',
      'https://169.254.169.254/latest/meta-data/',
      'https://127.0.0.1/hooks',
      'https://10.0.0.8/hooks',
      'ftp://localhost/x',
    ]) {
      const res = await call(tenantA, 'POST', '/webhook-endpoints', { url, events: ['*'] })
      t.equal(res.statusCode, 422, url)
      t.equal(res.json().error.code, 'WEBHOOK_URL_REFUSED', url)
    }
    const ep = await createEndpoint(app, tenantA, { url: 'http://localhost:9/x' })
    const patched = await call(tenantA, 'PATCH', `/webhook-endpoints/${ep.id}`, {
      url: 'http://169.254.169.254/',
    })
    t.equal(patched.statusCode, 422)
  },
)

t.test(
  'an endpoint failing for the whole retry window is disabled and shows why; a manual retry delivers',
  async (t) => {
    const r = await startReceiver(t)
    r.mode = { kind: 'status', status: 500 }
    const ep = await createEndpoint(app, tenantA, { url: r.url, events: ['post.status_changed'] })
    const id = await ctx.emit(Subjects.postStatusChanged, tenantA, statusChanged('queued', 'uploading'))
    const get = async () => (await call(tenantA, 'GET', `/webhook-endpoints/${ep.id}`)).json()
    t.ok(await waitUntil(async () => (await get()).disabled))
    t.match(await get(), { disabledReason: 'failing', failingSince: String })
    const log = (await call(tenantA, 'GET', `/webhook-endpoints/${ep.id}/deliveries?limit=1`)).json()
    t.match(log.items, [{ eventId: id, httpStatus: 500, deliveryStatus: 'failed', nextRetryAt: null }])
    t.type(log.nextCursor, 'string', 'more attempts on the next page')
    const older = (
      await call(tenantA, 'GET', `/webhook-endpoints/${ep.id}/deliveries?cursor=${log.nextCursor}`)
    ).json()
    t.ok(
      older.items.length >= 1 &&
        older.items.every((a: { id: string }) => Number(a.id) < Number(log.nextCursor)),
    )

    r.mode = { kind: 'ok' }
    await call(tenantA, 'PATCH', `/webhook-endpoints/${ep.id}`, { disabled: false })
    const retried = await call(
      tenantA,
      'POST',
      `/webhook-endpoints/${ep.id}/deliveries/${log.items[0].deliveryId}/retry`,
    )
    t.equal(retried.statusCode, 202)
    t.ok(await waitUntil(() => r.received.some((x) => x.id === id && x.type === 'post.status_changed')))
    t.match(await get(), { disabled: false, failingSince: null })
  },
)
