import { createServer } from 'node:http'
import { rawHttp, type Teardownable } from '@social-bridge/service-kit/testing'
import t, { type Test } from 'tap'
import { auth, build, crmToken } from './helper.js'

// What reaches the gateway's edge: URLs no one can decode, hop-by-hop headers (RFC 9110 §7.6.1).

function assertShape(t: Test, body: unknown, code: string) {
  const b = body as { error?: { code?: string; message?: string }; requestId?: string }
  t.same(Object.keys(b).sort(), ['error', 'requestId'], 'only the shared shape')
  t.equal(b.error?.code, code)
  t.ok(b.requestId, 'with a request id')
}

for (const [name, url, authed] of [
  ['a bad escape in a query name', '/v1/connections/tiktok/authorize?%ZZ=1', true],
  ['an encoded surrogate in returnUrl', '/v1/connections/tiktok/authorize?returnUrl=%ED%A0%80', true],
  [
    'an encoded surrogate on the public callback',
    '/v1/connections/tiktok/callback?state=x&error=x&error_description=%ED%A0%80',
    false,
  ],
  ['a truncated escape on a list', '/v1/posts?cursor=%E0%A4%A', true],
] as const) {
  t.test(`${name} answers 400 in the shared shape and is not proxied`, async (t) => {
    const { app, upstreams } = await build(t)
    const headers = authed ? auth(await crmToken()) : {}
    const res = await app.inject({ url, headers })
    t.equal(res.statusCode, 400)
    assertShape(t, res.json(), 'BAD_REQUEST')
    t.equal(upstreams.auth.seen.length + upstreams.publish.seen.length, 0, 'no upstream saw it')
  })
}

t.test('a path that is not valid percent-encoding answers 400 without echoing it', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ url: '/v1/connections/%ZZmarker', headers: auth(await crmToken()) })
  t.equal(res.statusCode, 400)
  assertShape(t, res.json(), 'BAD_REQUEST')
  t.notMatch(res.body, /marker/)
})

t.test('an id over 100 characters answers 414 URI_TOO_LONG in the shared shape', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({ url: `/v1/connections/${'7'.repeat(101)}`, headers: auth(await crmToken()) })
  t.equal(res.statusCode, 414)
  assertShape(t, res.json(), 'URI_TOO_LONG')
})

t.test('a well-formed query reaches the service byte for byte, `..` and all', async (t) => {
  const { app, upstreams } = await build(t)
  const query = '?returnUrl=https%3A%2F%2Fcrm.example%2Fa%2F..%2Fb%3Fx%3D%C3%A9&y=a+b'
  const res = await app.inject({
    url: `/v1/connections/tiktok/authorize${query}`,
    headers: auth(await crmToken()),
  })
  t.equal(res.statusCode, 200)
  t.equal(upstreams.auth.seen[0]?.url, `/connections/tiktok/authorize${query}`)
})

/** An upstream that answers with hop-by-hop headers, naming one of its own in `Connection`. */
async function hopByHopUpstream(t: Teardownable): Promise<{ url: string; seen: Record<string, unknown>[] }> {
  const seen: Record<string, unknown>[] = []
  const server = createServer((req, res) => {
    seen.push({ ...req.headers })
    req.resume()
    res.setHeader('connection', 'keep-alive, x-upstream-hop')
    res.setHeader('keep-alive', 'timeout=5')
    res.setHeader('proxy-connection', 'keep-alive')
    res.setHeader('upgrade', 'h2c')
    res.setHeader('x-upstream-hop', 'secret-of-the-hop')
    res.setHeader('x-end-to-end', 'kept')
    res.setHeader('content-type', 'application/json')
    res.end('{"items":[],"nextCursor":null}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise((r) => server.close(r)))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen }
}

/**
 * The gateway with `hopByHopUpstream` as publish-service, listening on a real socket (hop-by-hop
 * headers only exist on one), and `getPosts`: a raw `GET /v1/posts` as a signed-in CRM user with
 * `headers` (CRLF-terminated lines) added.
 */
async function hopByHopGateway(t: Test) {
  const upstream = await hopByHopUpstream(t)
  const { app } = await build(t, { PUBLISH_SERVICE_URL: upstream.url })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  const getPosts = async (headers: string) =>
    rawHttp({
      port,
      send: [
        `GET /v1/posts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${await crmToken()}\r\n${headers}\r\n`,
      ],
    })
  return { app, upstream, getPosts }
}

t.test("a client's Connection: close is honoured: the gateway answers close and closes", async (t) => {
  const { getPosts } = await hopByHopGateway(t)
  const res = await getPosts('Connection: close\r\n')
  t.equal(res.status, 200)
  t.equal(res.headers.connection, 'close')
  t.ok(res.closed, 'the socket was closed')
})

t.test("upstream's hop-by-hop headers are not forwarded to the client", async (t) => {
  const { app } = await hopByHopGateway(t)
  const res = await app.inject({ url: '/v1/posts', headers: auth(await crmToken()) })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-end-to-end'], 'kept', 'end-to-end headers pass')
  for (const h of ['keep-alive', 'proxy-connection', 'upgrade', 'x-upstream-hop']) {
    t.notOk(res.headers[h], `no ${h}`)
  }
  t.not(res.headers.connection, 'keep-alive, x-upstream-hop')
})

t.test("the client's hop-by-hop headers are not forwarded to the service", async (t) => {
  const { upstream, getPosts } = await hopByHopGateway(t)
  const res = await getPosts(
    'Connection: close, X-Client-Hop\r\nKeep-Alive: timeout=1\r\nProxy-Connection: keep-alive\r\n' +
      'TE: trailers\r\nTrailer: X-Checksum\r\nUpgrade: h2c\r\n' +
      'X-Client-Hop: for the gateway only\r\nX-End-To-End: kept\r\n',
  )
  t.equal(res.status, 200)
  const seen = upstream.seen[0] ?? {}
  t.equal(seen['x-end-to-end'], 'kept', 'end-to-end headers pass')
  for (const h of ['keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'x-client-hop']) {
    t.notOk(seen[h], `no ${h}`)
  }
  t.notMatch(String(seen.connection ?? ''), /close|x-client-hop/i, "the client's Connection is its own")
})
