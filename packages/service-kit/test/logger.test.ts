import t from 'tap'
import { build, captureLogs } from './helper.js'

const SECRETS = [
  'act.SECRETaccess1234567890',
  'rft.SECRETrefresh1234567890',
  'CLIENTSECRETvalue42',
  'AUTHCODE*0!6410xyz',
  'VERIFIERabcdefghijklmnop',
  'SESSIONCOOKIE77',
] as const

interface LogLine {
  msg?: string
  req?: { method?: string; url?: string; headers?: Record<string, unknown> }
  res?: { statusCode?: number }
  headers?: Record<string, unknown>
}

t.test('a log line built from a request carrying tokens contains none of them', async (t) => {
  const logs = captureLogs()
  const app = await build(
    t,
    (app) => {
      app.post('/echo', async (request) => {
        request.log.info({ body: request.body, tokens: { nested: { access_token: SECRETS[0] } } }, 'got body')
        request.log.info({ headers: request.headers }, 'headers logged by hand')
        request.log.info(`refreshing with ${SECRETS[1]}`)
        request.log.info({ err: new Error(`upstream said Bearer ${SECRETS[0]}`) }, 'upstream failed')
        throw new Error(`exploded holding ${SECRETS[1]}`)
      })
    },
    { logStream: logs.stream },
  )
  const res = await app.inject({
    method: 'POST',
    url: `/echo?code=${encodeURIComponent(SECRETS[3])}&state=abc`,
    headers: {
      authorization: `Bearer ${SECRETS[0]}`,
      cookie: `sb_oauth=${SECRETS[5]}`,
      'user-agent': 'crm-agent/1.0',
      'x-request-id': 'req-logger-1',
    },
    payload: {
      refresh_token: SECRETS[1],
      client_secret: SECRETS[2],
      code_verifier: SECRETS[4],
      deep: [{ refreshToken: SECRETS[1] }],
    },
  })
  t.equal(res.statusCode, 500)
  t.notMatch(res.body, /SECRET|exploded/, 'the 500 body echoes no internals')
  const text = logs.text()
  t.ok(logs.lines().length >= 4, 'lines were logged')
  t.match(text, /req-logger-1/, 'log lines carry the request id')
  t.match(text, /\[REDACTED\]/)
  for (const secret of SECRETS) t.notOk(text.includes(secret), `log has no ${secret.slice(0, 12)}…`)
  t.notOk(text.includes(encodeURIComponent(SECRETS[3])), 'the url-encoded code is gone too')

  // The headers really are logged (so the checks above test something), secrets replaced.
  const parsed = logs.lines().map((l) => JSON.parse(l) as LogLine)
  const incoming = parsed.find((l) => l.msg === 'incoming request')
  t.match(incoming?.req, { method: 'POST', url: '/echo?code=[REDACTED]&state=abc' })
  t.match(incoming?.req?.headers, {
    'user-agent': 'crm-agent/1.0',
    authorization: '[REDACTED]',
    cookie: '[REDACTED]',
  })
  const byHand = parsed.find((l) => l.msg === 'headers logged by hand')
  t.match(byHand?.headers, {
    'user-agent': 'crm-agent/1.0',
    authorization: '[REDACTED]',
    cookie: '[REDACTED]',
  })
  t.equal(parsed.find((l) => l.msg === 'request completed')?.res?.statusCode, 500)
})

t.test('error codes survive redaction while secret codes do not', async (t) => {
  const logs = captureLogs()
  const app = await build(
    t,
    (app) => {
      app.get('/x', async (request) => {
        const err = Object.assign(new Error('boom'), { code: 'TIKTOK_UNAVAILABLE' })
        request.log.error({ err, oauth: { code: 'AUTHCODE123' } }, 'x')
        return { ok: true }
      })
    },
    { logStream: logs.stream },
  )
  await app.inject('/x')
  t.match(logs.text(), /TIKTOK_UNAVAILABLE/)
  t.notMatch(logs.text(), /AUTHCODE123/)
})

t.test('the request id is echoed, and a malformed incoming id is replaced', async (t) => {
  const app = await build(t)
  const ok = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'crm-123' } })
  t.equal(ok.headers['x-request-id'], 'crm-123')
  const bad = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'has spaces\nand newline' } })
  t.match(String(bad.headers['x-request-id']), /^[0-9a-f-]{36}$/)
})
