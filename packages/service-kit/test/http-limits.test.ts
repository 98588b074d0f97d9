import Fastify from 'fastify'
import t from 'tap'
import {
  createFastifyOptions,
  DEFAULT_HTTP_LIMITS,
  errorHandlerPlugin,
  type HttpLimits,
  httpLimitsConfig,
  loadConfig,
  loadHttpLimits,
  requestIdPlugin,
} from '../src/index.js'
import { rawHttp, type Teardownable } from '../src/testing/index.js'

// Raw-socket tests: a client that stalls must not hold a connection forever. The limits are
// short here so the tests are quick; `guardMs` only stops a server that never closes from
// hanging the test (that is the failure being tested for).

async function serve(t: Teardownable, http: Partial<HttpLimits>): Promise<number> {
  const app = Fastify(createFastifyOptions({ service: 'kit-test', logLevel: 'silent', http }))
  await app.register(errorHandlerPlugin)
  await app.register(requestIdPlugin)
  app.post('/webhooks', async (request) => ({ received: JSON.stringify(request.body).length }))
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  return (app.server.address() as { port: number }).port
}

const stalledBody = [
  'POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
  '{"event":"x",',
]

t.test('a body that stops arriving answers 408 REQUEST_TIMEOUT and closes', async (t) => {
  const port = await serve(t, { headersTimeoutMs: 200, requestTimeoutMs: 400 })
  const res = await rawHttp({ port, send: stalledBody })
  t.ok(res.closed, 'the server closed the connection')
  t.equal(res.status, 408)
  const body = JSON.parse(res.body)
  t.equal(body.error.code, 'REQUEST_TIMEOUT')
  t.equal(body.requestId, res.headers['x-request-id'])
})

t.test('headers that stop arriving answer 408 and close', async (t) => {
  const port = await serve(t, { headersTimeoutMs: 200, requestTimeoutMs: 400 })
  const res = await rawHttp({ port, send: ['POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Ty'] })
  t.ok(res.closed)
  t.equal(res.status, 408)
  t.equal(JSON.parse(res.body).error.code, 'REQUEST_TIMEOUT')
})

t.test('with no total bound (uploads), an idle body still ends: the socket is closed', async (t) => {
  const port = await serve(t, { headersTimeoutMs: 200, requestTimeoutMs: 0, idleTimeoutMs: 300 })
  const res = await rawHttp({ port, send: stalledBody })
  t.ok(res.closed, 'the idle connection was closed')
})

t.test('with no total bound, a slow body that keeps arriving is not cut off', async (t) => {
  const port = await serve(t, { headersTimeoutMs: 1000, requestTimeoutMs: 0, idleTimeoutMs: 2000 })
  const parts = Array.from({ length: 30 }, (_, i) => (i < 29 ? `"k${i}":${i},` : '"end":1}'))
  const json = `{${parts.join('')}`
  const res = await rawHttp({
    port,
    send: [
      `POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\nConnection: close\r\n\r\n{`,
      ...parts,
    ],
    pauseMs: 100,
  })
  t.equal(res.status, 200, 'answered although the body took longer than the idle timeout in total')
})

t.test('every service gets bounded timeouts by default', async (t) => {
  const opts = createFastifyOptions({ service: 'kit-test' }) as Record<string, unknown> & {
    http: { headersTimeout: number; requestTimeout: number }
  }
  t.ok((opts.connectionTimeout as number) > 0, 'idle timeout')
  t.ok((opts.requestTimeout as number) > 0, 'request timeout')
  t.ok(opts.http.headersTimeout > 0, 'headers timeout')
  t.equal(opts.http.headersTimeout, DEFAULT_HTTP_LIMITS.headersTimeoutMs)
})

t.test('the limits are read from the environment, with per-service defaults', async (t) => {
  t.same(loadHttpLimits({ requestTimeoutMs: 0 }, { HTTP_IDLE_TIMEOUT_MS: '5000' }), {
    headersTimeoutMs: DEFAULT_HTTP_LIMITS.headersTimeoutMs,
    requestTimeoutMs: 0,
    idleTimeoutMs: 5000,
  })
  t.same(loadHttpLimits({}, { HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_HEADERS_TIMEOUT_MS: '700' }), {
    headersTimeoutMs: 700,
    requestTimeoutMs: 1500,
    idleTimeoutMs: DEFAULT_HTTP_LIMITS.idleTimeoutMs,
  })
  t.throws(() => loadConfig(httpLimitsConfig(), { HTTP_IDLE_TIMEOUT_MS: '0' }), { code: 'CONFIG_INVALID' })
})
