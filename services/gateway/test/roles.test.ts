import t from 'tap'
import { auth, build, crmToken } from './helper.js'

const ID = '3f1b2c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d'
const DELIVERY = '4a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8e'
const aPost = { connectionId: ID, mode: 'direct', source: { mediaId: ID }, privacyLevel: 'SELF_ONLY' }
const everyRoute: [string, string][] = [
  ['GET', '/v1/connections/tiktok/authorize'],
  ['GET', '/v1/connections/tiktok_shop/authorize'],
  ['GET', '/v1/connections/instagram/authorize'],
  ['GET', '/v1/connections'],
  ['GET', `/v1/connections/${ID}`],
  ['POST', `/v1/connections/${ID}/refresh`],
  ['DELETE', `/v1/connections/${ID}`],
  ['GET', `/v1/connections/${ID}/creator-info`],
  ['POST', '/v1/media'],
  ['POST', '/v1/posts'],
  ['GET', '/v1/posts'],
  ['GET', `/v1/posts/${ID}`],
  ['PATCH', `/v1/posts/${ID}`],
  ['POST', `/v1/posts/${ID}/cancel`],
  ['GET', `/v1/posts/${ID}/comments`],
  ['GET', `/v1/analytics/posts/${ID}`],
  ['GET', `/v1/analytics/connections/${ID}`],
  ['POST', `/v1/analytics/connections/${ID}/sync`],
  ['GET', '/v1/analytics/summary'],
  ['POST', '/v1/webhook-endpoints'],
  ['GET', '/v1/webhook-endpoints'],
  ['GET', `/v1/webhook-endpoints/${ID}`],
  ['PATCH', `/v1/webhook-endpoints/${ID}`],
  ['DELETE', `/v1/webhook-endpoints/${ID}`],
  ['POST', `/v1/webhook-endpoints/${ID}/rotate-secret`],
  ['POST', `/v1/webhook-endpoints/${ID}/test`],
  ['GET', `/v1/webhook-endpoints/${ID}/deliveries`],
  ['POST', `/v1/webhook-endpoints/${ID}/deliveries/${DELIVERY}/retry`],
  ['GET', '/v1/events'],
]

t.test('sales gets 403 on every route', async (t) => {
  const { app } = await build(t)
  const token = await crmToken({ roles: ['sales'] })
  for (const [method, url] of everyRoute) {
    const res = await app.inject({ method: method as 'GET', url, headers: auth(token) })
    t.equal(res.statusCode, 403, `${method} ${url}`)
    t.equal(res.json().error.code, 'FORBIDDEN')
  }
})

// The OAuth callbacks and the signed public photo URLs (fetched by TikTok) take no CRM token.
t.test('the list above covers every /v1 route of the OpenAPI document but the tokenless ones', async (t) => {
  const { app } = await build(t)
  const documented = Object.entries((await app.inject('/docs/json')).json().paths as Record<string, object>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .filter(
      (r) => !/^GET \/v1\/connections\/[a-z_]+\/callback$/.test(r) && r !== 'GET /v1/media/public/{file}',
    )
  const listed = everyRoute.map(
    ([m, url]) => `${m} ${url.replace(ID, '{id}').replace(DELIVERY, '{deliveryId}')}`,
  )
  t.same(listed.sort(), documented.sort())
})

t.test(
  'sales gets 403 on uploads and posts even with a valid body, and nothing reaches the service',
  async (t) => {
    const { app, upstreams } = await build(t)
    const headers = auth(await crmToken({ roles: ['sales'] }))
    const upload = await app.inject({
      method: 'POST',
      url: '/v1/media',
      headers: { ...headers, 'content-type': 'video/mp4' },
      payload: Buffer.alloc(1024),
    })
    t.equal(upload.statusCode, 403)
    const post = await app.inject({ method: 'POST', url: '/v1/posts', headers, payload: aPost })
    t.equal(post.statusCode, 403)
    t.equal(upstreams.publish.seen.length, 0)
  },
)

t.test('social_marketing cannot disconnect or refresh, but can read and publish', async (t) => {
  const { app } = await build(t)
  const token = await crmToken({ roles: ['social_marketing'] })
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/connections/${ID}`, headers: auth(token) })).statusCode,
    403,
  )
  t.equal(
    (await app.inject({ method: 'POST', url: `/v1/connections/${ID}/refresh`, headers: auth(token) }))
      .statusCode,
    403,
  )
  t.equal((await app.inject({ url: '/v1/connections', headers: auth(token) })).statusCode, 200)
  t.equal((await app.inject({ url: `/v1/analytics/posts/${ID}`, headers: auth(token) })).statusCode, 200)
  t.equal((await app.inject({ url: `/v1/posts/${ID}/comments`, headers: auth(token) })).statusCode, 200)
})

t.test('social_marketing may upload and publish: both reach publish-service as that user', async (t) => {
  const { app, upstreams } = await build(t)
  const headers = auth(await crmToken({ sub: 'marketer', roles: ['social_marketing'] }))
  const upload = await app.inject({
    method: 'POST',
    url: '/v1/media',
    headers: { ...headers, 'content-type': 'video/mp4' },
    payload: Buffer.alloc(1024),
  })
  t.equal(upload.statusCode, 200, 'the stand-in service answered')
  const post = await app.inject({ method: 'POST', url: '/v1/posts', headers, payload: aPost })
  t.equal(post.statusCode, 200, 'the stand-in service answered')
  t.same(
    upstreams.publish.seen.map((s) => [s.method, s.url, s.identity]),
    [
      [
        'POST',
        '/media',
        { kind: 'user', tenantId: 'tenant-a', userId: 'marketer', roles: ['social_marketing'] },
      ],
      [
        'POST',
        '/posts',
        { kind: 'user', tenantId: 'tenant-a', userId: 'marketer', roles: ['social_marketing'] },
      ],
    ],
  )
})

t.test('admin may disconnect, and the call reaches auth-service', async (t) => {
  const { app, upstreams } = await build(t)
  const res = await app.inject({
    method: 'DELETE',
    url: `/v1/connections/${ID}`,
    headers: auth(await crmToken()),
  })
  t.equal(res.statusCode, 200)
  t.equal(upstreams.auth.seen[0]?.method, 'DELETE')
  t.equal(upstreams.auth.seen[0]?.url, `/connections/${ID}`)
})

t.test('a malformed id is rejected at the gateway with the shared error shape', async (t) => {
  const { app, upstreams } = await build(t)
  const res = await app.inject({ url: '/v1/posts/not-a-uuid', headers: auth(await crmToken()) })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error.code, 'VALIDATION_FAILED')
  t.equal(upstreams.publish.seen.length, 0)
})
