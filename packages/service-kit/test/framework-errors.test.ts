import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { Type } from 'typebox'
import { rawHttp, type Teardownable } from '../src/testing/index.js'
import { build } from './helper.js'

// Whatever rejects a request — router, query, body parser, content-type parser, Node's HTTP
// parser — the answer is the shared shape with a request id, and never the raw input.

async function app(t: Teardownable): Promise<FastifyInstance> {
  return build(t, (app) => {
    app.get('/items/:id', async (request) => ({ id: (request.params as { id: string }).id }))
    app.get('/search', async (request) => ({ query: request.query }))
    app.post('/items', { schema: { body: Type.Object({ name: Type.String() }) } }, async (r) => r.body)
  })
}

async function listening(t: Teardownable): Promise<number> {
  const a = await app(t)
  await a.listen({ host: '127.0.0.1', port: 0 })
  return (a.server.address() as { port: number }).port
}

function assertShape(t: Test, body: unknown, code: string) {
  const b = body as { error?: { code?: string; message?: string }; requestId?: string }
  t.same(Object.keys(b).sort(), ['error', 'requestId'], 'only the shared shape')
  t.equal(b.error?.code, code)
  t.type(b.error?.message, 'string')
  t.match(b.requestId, /^[A-Za-z0-9._:-]{1,128}$/, 'a request id')
}

t.test('a path that is not valid percent-encoding answers 400 without echoing it', async (t) => {
  const res = await (await app(t)).inject('/items/%ZZpath-marker')
  t.equal(res.statusCode, 400)
  assertShape(t, res.json(), 'BAD_REQUEST')
  t.equal(res.json().requestId, res.headers['x-request-id'], 'the header carries the same id')
  t.notMatch(res.body, /path-marker|%ZZ/)
})

t.test('a path parameter over 100 characters answers 414 URI_TOO_LONG', async (t) => {
  const res = await (await app(t)).inject(`/items/${'a'.repeat(101)}`)
  t.equal(res.statusCode, 414)
  assertShape(t, res.json(), 'URI_TOO_LONG')
  t.notMatch(res.body, /aaaaaaaaaa/)
})

for (const query of ['%ZZ=1', 'returnUrl=%ED%A0%80', 'a=1&b=%E0%A4%A', 'x=%']) {
  t.test(`a query that is not percent-encoded UTF-8 (${query}) answers 400`, async (t) => {
    const res = await (await app(t)).inject({ url: `/search?${query}`, headers: { 'x-request-id': 'q-1' } })
    t.equal(res.statusCode, 400)
    assertShape(t, res.json(), 'BAD_REQUEST')
    t.equal(res.headers['x-request-id'], 'q-1', 'the x-request-id header is set though no later hook ran')
  })
}

t.test('a well-formed query still reaches the route, decoded', async (t) => {
  const res = await (await app(t)).inject('/search?q=%C3%A9t%C3%A9+x&next=https%3A%2F%2Fa%2F..%2Fb')
  t.equal(res.statusCode, 200)
  t.same(res.json().query, { q: 'été x', next: 'https://a/../b' })
})

// Bodies the content-type and JSON parsers refuse: the shared shape, and nothing of the input.
for (const c of [
  {
    name: 'an unsupported content type answers 415 without echoing the type',
    contentType: 'application/x-type-marker',
    payload: 'x',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    after: (t: Test, body: string) => t.notMatch(body, /type-marker/),
  },
  {
    name: 'a JSON body with a prototype-pollution key answers 400',
    contentType: 'application/json',
    payload: '{"name":"x","__proto__":{"polluted":true}}',
    status: 400,
    code: 'BAD_REQUEST',
    after: (t: Test) => t.equal(({} as Record<string, unknown>).polluted, undefined),
  },
]) {
  t.test(c.name, async (t) => {
    const res = await (await app(t)).inject({
      method: 'POST',
      url: '/items',
      headers: { 'content-type': c.contentType },
      payload: c.payload,
    })
    t.equal(res.statusCode, c.status)
    assertShape(t, res.json(), c.code)
    c.after(t, res.body)
  })
}

t.test('an unknown route answers 404 without echoing the path', async (t) => {
  const res = await (await app(t)).inject('/no-such-route-marker?x=1')
  t.equal(res.statusCode, 404)
  assertShape(t, res.json(), 'NOT_FOUND')
  t.notMatch(res.body, /route-marker/)
})

t.test('a 64 KB Authorization header answers 431 in the shared shape and closes', async (t) => {
  const port = await listening(t)
  const res = await rawHttp({
    port,
    send: [`GET /search HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'h'.repeat(64 * 1024)}\r\n\r\n`],
  })
  t.equal(res.status, 431)
  assertShape(t, JSON.parse(res.body), 'HEADERS_TOO_LARGE')
  t.equal(JSON.parse(res.body).requestId, res.headers['x-request-id'])
  t.equal(res.headers.connection, 'close')
  t.ok(res.closed, 'the server closed the connection')
})

t.test('a request line that is not HTTP answers 400 in the shared shape', async (t) => {
  const port = await listening(t)
  const res = await rawHttp({ port, send: ['GET /search\x01marker HTTP/1.1\r\nHost: x\r\n\r\n'] })
  t.equal(res.status, 400)
  assertShape(t, JSON.parse(res.body), 'BAD_REQUEST')
  t.notMatch(res.body, /marker/)
  t.ok(res.closed)
})

t.test('the same answers come over a real socket, with the x-request-id header', async (t) => {
  const port = await listening(t)
  const res = await rawHttp({
    port,
    send: [`GET /items/%ZZ HTTP/1.1\r\nHost: x\r\nx-request-id: req-42\r\nConnection: close\r\n\r\n`],
  })
  t.equal(res.status, 400)
  t.equal(JSON.parse(res.body).requestId, 'req-42', 'a well-formed incoming id is kept')
  t.equal(res.headers['x-request-id'], 'req-42')
})
