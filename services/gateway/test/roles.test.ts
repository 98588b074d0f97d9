import t from 'tap'
import { auth, build, crmToken } from './helper.js'

const ID = '3f1b2c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d'
const everyRoute: [string, string][] = [
  ['GET', '/v1/connections/tiktok/authorize'],
  ['GET', '/v1/connections'],
  ['GET', `/v1/connections/${ID}`],
  ['POST', `/v1/connections/${ID}/refresh`],
  ['DELETE', `/v1/connections/${ID}`],
  ['GET', `/v1/connections/${ID}/creator-info`],
  ['GET', '/v1/posts'],
  ['GET', `/v1/posts/${ID}`],
  ['GET', `/v1/analytics/posts/${ID}`],
  ['GET', `/v1/analytics/connections/${ID}`],
  ['POST', `/v1/analytics/connections/${ID}/sync`],
  ['GET', '/v1/analytics/summary'],
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
