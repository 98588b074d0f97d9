import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyInternalToken } from '@social-bridge/service-kit'
import t from 'tap'
import { auth, build, crmToken, INTERNAL_JWT_SECRET } from './helper.js'

// `GET /v1/events` through the gateway: the stream is passed on as it is written (not buffered
// until the upstream ends), with `Last-Event-ID` and the caller's identity forwarded.

t.test(
  'the SSE stream is proxied unbuffered, with Last-Event-ID and the caller as an internal token',
  async (t) => {
    let next!: () => void
    const seen: { lastEventId?: string; tenant?: string } = {}
    const upstream = createServer(async (req, res) => {
      const identity = await verifyInternalToken(String(req.headers['x-internal-token']), INTERNAL_JWT_SECRET)
      seen.lastEventId = String(req.headers['last-event-id'])
      seen.tenant = identity.kind === 'user' ? identity.tenantId : undefined
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      res.write('id: 8\nevent: post.published\ndata: {"n":1}\n\n')
      next = () => res.end('id: 9\nevent: post.failed\ndata: {"n":2}\n\n')
    })
    upstream.listen(0, '127.0.0.1')
    await once(upstream, 'listening')
    t.teardown(() => upstream.close())
    const { app } = await build(t, {
      DISPATCH_SERVICE_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    })
    const base = await app.listen({ port: 0, host: '127.0.0.1' })
    const res = await fetch(`${base}/v1/events?types=post.*`, {
      headers: { ...auth(await crmToken({ roles: ['social_marketing'] })), 'last-event-id': '7' },
    })
    t.equal(res.status, 200)
    t.match(res.headers.get('content-type'), /text\/event-stream/)
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader()
    const first = await reader.read()
    t.match(
      first.value,
      /id: 8\nevent: post.published/,
      'the first frame arrives while the upstream is still open',
    )
    next()
    let rest = ''
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value
    t.match(rest, /id: 9/)
    t.same(seen, { lastEventId: '7', tenant: 'tenant-a' })
  },
)

t.test('roles: sales may not read the stream; only admins manage webhook endpoints', async (t) => {
  const { app, upstreams } = await build(t)
  const sales = auth(await crmToken({ roles: ['sales'] }))
  const marketing = auth(await crmToken({ roles: ['social_marketing'] }))
  t.equal((await app.inject({ url: '/v1/events', headers: sales })).statusCode, 403)
  t.equal((await app.inject({ url: '/v1/webhook-endpoints', headers: marketing })).statusCode, 403)
  const admin = await app.inject({ url: '/v1/webhook-endpoints', headers: auth(await crmToken()) })
  t.equal(admin.statusCode, 200)
  t.match(upstreams.dispatch.seen.at(-1), {
    url: '/webhook-endpoints',
    identity: { tenantId: 'tenant-a', roles: ['admin'] },
  })
})

t.test('the OpenAPI document publishes a JSON schema for every public event type', async (t) => {
  const { app } = await build(t)
  const schemas = (await app.inject('/docs/json')).json().components.schemas as Record<
    string,
    { properties: object }
  >
  for (const type of [
    'post.status_changed',
    'post.published',
    'post.failed',
    'connection.connected',
    'connection.reauth_required',
    'connection.revoked',
    'connection.disconnected',
    'quota.changed',
    'metrics.synced',
  ])
    t.match(
      schemas[`Event_${type.replace('.', '_')}`]?.properties,
      { id: {}, type: {}, timestamp: {}, data: {} },
      type,
    )
})
