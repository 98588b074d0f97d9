import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import t, { type Test } from 'tap'
import { BUFFERED_ANSWER_MAX_BYTES } from '../src/plugins/app/proxy.js'
import { auth, build, crmToken } from './helper.js'

t.test('an uploaded video streams through unchanged', async (t) => {
  const { app, upstreams } = await build(t)
  const body = randomBytes(3 * 1024 * 1024 + 17)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/media',
    headers: { ...auth(await crmToken()), 'content-type': 'video/mp4' },
    payload: body,
  })
  t.equal(res.statusCode, 200)
  const seen = upstreams.publish.seen[0]
  t.equal(seen?.bodyBytes, body.length)
  t.equal(seen?.bodySha256, createHash('sha256').update(body).digest('hex'))
  t.equal(seen?.headers['content-type'], 'video/mp4')
})

t.test(
  'the OAuth callback needs no CRM JWT and reaches auth-service as the gateway, with the cookie',
  async (t) => {
    const { app, upstreams } = await build(t)
    const res = await app.inject({
      url: '/v1/connections/tiktok/callback?code=abc&state=xyz',
      headers: { cookie: 'sb_oauth_state=signed-value' },
    })
    t.equal(res.statusCode, 200)
    const seen = upstreams.auth.seen[0]
    t.same(seen?.identity, { kind: 'service', service: 'gateway' })
    t.equal(seen?.headers.cookie, 'sb_oauth_state=signed-value')
    t.match(
      String(res.headers['set-cookie']),
      /from_auth=1/,
      'the service can set cookies through the gateway',
    )
  },
)

t.test('cookies are not forwarded to other routes', async (t) => {
  const { app, upstreams } = await build(t)
  await app.inject({ url: '/v1/posts', headers: { ...auth(await crmToken()), cookie: 'crm_session=secret' } })
  t.notOk(upstreams.publish.seen[0]?.headers.cookie)
})

t.test('a connection is answered with its posting quota merged in', async (t) => {
  const id = '3f1b2c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d'
  const connection = {
    id,
    provider: 'tiktok',
    openId: 'open-1',
    displayName: 'Demo',
    avatarUrl: null,
    scopes: ['video.publish'],
    status: 'active',
    accessTokenExpiresAt: null,
    refreshTokenExpiresAt: null,
    lastRefreshedAt: null,
    createdAt: new Date().toISOString(),
  }
  const quota = {
    initsLastMinute: 2,
    initsPerMinuteLimit: 6,
    inboxDraftsLast24h: 1,
    inboxDraftsLimit: 5,
    creatorInfoLastMinute: 3,
    creatorInfoPerMinuteLimit: 20,
    statusFetchesLastMinute: 4,
    statusFetchesPerMinuteLimit: 30,
  }
  const { app } = await build(
    t,
    {},
    {
      auth: { [`/connections/${id}`]: connection },
      publish: { [`/connections/${id}/quota`]: quota },
    },
  )
  const res = await app.inject({ url: `/v1/connections/${id}`, headers: auth(await crmToken()) })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { ...connection, postingQuota: quota })
})

t.test('an upstream that is down answers 503 SERVICE_UNAVAILABLE', async (t) => {
  const { app } = await build(t, { ANALYTICS_SERVICE_URL: 'http://127.0.0.1:9' })
  const res = await app.inject({ url: '/v1/analytics/summary', headers: auth(await crmToken()) })
  t.equal(res.statusCode, 503)
  t.equal(res.json().error.code, 'SERVICE_UNAVAILABLE')
  t.equal((await app.inject('/readyz')).statusCode, 503, 'readiness reports it too')
})

t.test('a user over the per-minute budget gets 429 with Retry-After', async (t) => {
  const { app } = await build(t, { RATE_LIMIT_PER_MINUTE: 3 })
  const token = await crmToken({ sub: 'busy-user' })
  const codes: number[] = []
  for (let i = 0; i < 4; i++)
    codes.push((await app.inject({ url: '/v1/posts', headers: auth(token) })).statusCode)
  t.same(codes, [200, 200, 200, 429])
  const res = await app.inject({ url: '/v1/posts', headers: auth(token) })
  t.equal(res.json().error.code, 'RATE_LIMITED')
  t.ok(Number(res.headers['retry-after']) > 0)
  const other = await crmToken({ sub: 'other-user' })
  t.equal(
    (await app.inject({ url: '/v1/posts', headers: auth(other) })).statusCode,
    200,
    'budgets are per user',
  )
})

t.test('the OpenAPI document lists the /v1 routes at /docs/json', async (t) => {
  const { app } = await build(t)
  const res = await app.inject('/docs/json')
  t.equal(res.statusCode, 200)
  const paths = Object.keys(res.json().paths)
  for (const p of ['/v1/posts', '/v1/media', '/v1/connections/{id}', '/v1/analytics/connections/{id}/sync']) {
    t.ok(paths.includes(p), p)
  }
})

t.test(
  'TikTok Shop: authorize needs a CRM user, the callback reaches auth-service as the gateway with the cookie',
  async (t) => {
    const { app, upstreams } = await build(t)
    const anonymous = await app.inject({ url: '/v1/connections/tiktok_shop/authorize' })
    t.equal(anonymous.statusCode, 401)
    const start = await app.inject({
      url: '/v1/connections/tiktok_shop/authorize',
      headers: { ...auth(await crmToken()), accept: 'application/json' },
    })
    t.equal(start.statusCode, 200)
    t.equal(upstreams.auth.seen[0]?.url, '/connections/tiktok_shop/authorize')
    const done = await app.inject({
      url: '/v1/connections/tiktok_shop/callback?code=abc&state=xyz',
      headers: { cookie: 'sb_tiktok_oauth=signed-value' },
    })
    t.equal(done.statusCode, 200)
    const seen = upstreams.auth.seen[1]
    t.equal(seen?.url, '/connections/tiktok_shop/callback?code=abc&state=xyz')
    t.same(seen?.identity, { kind: 'service', service: 'gateway' })
    t.equal(seen?.headers.cookie, 'sb_tiktok_oauth=signed-value')
  },
)

t.test(
  'the connection list passes ?provider= on to auth-service and refuses an unknown provider',
  async (t) => {
    const { app, upstreams } = await build(t)
    const headers = auth(await crmToken())
    t.equal((await app.inject({ url: '/v1/connections?provider=tiktok_shop', headers })).statusCode, 200)
    t.equal(upstreams.auth.seen[0]?.url, '/connections?provider=tiktok_shop')
    const bad = await app.inject({ url: '/v1/connections?provider=myspace', headers })
    t.equal(bad.statusCode, 400)
    t.equal(upstreams.auth.seen.length, 1)
  },
)

t.test('scheduling routes and photo uploads reach publish-service as the user', async (t) => {
  const { app, upstreams } = await build(t)
  const headers = auth(await crmToken())
  const id = '00000000-0000-4000-8000-000000000001'
  const patch = await app.inject({
    method: 'PATCH',
    url: `/v1/posts/${id}`,
    headers,
    payload: { title: 'x' },
  })
  t.equal(patch.statusCode, 200)
  const cancel = await app.inject({ method: 'POST', url: `/v1/posts/${id}/cancel`, headers })
  t.equal(cancel.statusCode, 200)
  const photo = await app.inject({
    method: 'POST',
    url: '/v1/media',
    headers: { ...headers, 'content-type': 'image/webp' },
    payload: randomBytes(1000),
  })
  t.equal(photo.statusCode, 200)
  t.same(
    upstreams.publish.seen.map((s) => [s.method, s.url, s.identity?.kind]),
    [
      ['PATCH', `/posts/${id}`, 'user'],
      ['POST', `/posts/${id}/cancel`, 'user'],
      ['POST', '/media', 'user'],
    ],
  )
})

t.test('a signed public photo URL needs no JWT and keeps its query', async (t) => {
  const { app, upstreams } = await build(t)
  const url = '/v1/media/public/00000000-0000-4000-8000-000000000001.jpg?expires=1&signature=abc'
  const res = await app.inject({ url })
  t.equal(res.statusCode, 200)
  t.equal(upstreams.publish.seen[0]?.url, url.replace('/v1', ''))
  t.same(upstreams.publish.seen[0]?.identity, { kind: 'service', service: 'gateway' })
})

t.test(
  "a post's comments are read from analytics-service, query included, not from publish-service",
  async (t) => {
    const { app, upstreams } = await build(t)
    const id = '3f1b2c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d'
    const res = await app.inject({ url: `/v1/posts/${id}/comments?limit=5`, headers: auth(await crmToken()) })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { upstream: 'analytics', url: `/posts/${id}/comments?limit=5` })
    t.equal(upstreams.publish.seen.length, 0)
  },
)

/** An upstream answering `GET /posts` with `body` (or, when `cut`, declaring it but closing after its first 10 bytes). */
async function rawUpstream(t: Test, body: Buffer, cut = false): Promise<string> {
  const server = createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
    if (cut) {
      res.write(body.subarray(0, 10))
      setTimeout(() => res.socket?.destroy(), 20)
    } else res.end(body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise((r) => server.close(r)))
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}

for (const bytes of [1_000, BUFFERED_ANSWER_MAX_BYTES + 1, 3 * 1024 * 1024]) {
  t.test(`an answer of ${bytes} bytes comes through whole, with its length`, async (t) => {
    const body = randomBytes(bytes)
    const { app } = await build(t, { PUBLISH_SERVICE_URL: await rawUpstream(t, body) })
    const res = await app.inject({ url: '/v1/posts', headers: auth(await crmToken()) })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-length'], String(bytes))
    t.equal(
      createHash('sha256').update(res.rawPayload).digest('hex'),
      createHash('sha256').update(body).digest('hex'),
    )
  })
}

t.test('a short answer the upstream breaks off answers 503 in the shared shape', async (t) => {
  const body = randomBytes(1_000)
  const { app } = await build(t, { PUBLISH_SERVICE_URL: await rawUpstream(t, body, true) })
  const res = await app.inject({ url: '/v1/posts', headers: auth(await crmToken()) })
  t.equal(res.statusCode, 503)
  t.equal(res.json().error.code, 'SERVICE_UNAVAILABLE')
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8', "not the upstream's headers")
})
