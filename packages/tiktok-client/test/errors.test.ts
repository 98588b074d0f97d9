import t from 'tap'
import * as tiktokClient from '../src/index.js'
import {
  classifyTikTokError,
  createTikTokClient,
  TikTokApiError,
  TikTokConnectionError,
  TikTokError,
  type TikTokErrorOptions,
  TikTokOAuthError,
  TikTokTimeoutError,
} from '../src/index.js'
import { reply, stubServer } from './helpers/stub-server.js'

const clientSecret = 'sbx_secret_DO_NOT_LEAK_123'

t.test('errors are classified retryable, token_invalid, rate_limited or permanent', async (t) => {
  t.equal(classifyTikTokError({ httpStatus: 500 }), 'retryable')
  t.equal(classifyTikTokError({ httpStatus: 503 }), 'retryable')
  t.equal(classifyTikTokError({ tiktokCode: 'internal_error', httpStatus: 200 }), 'retryable')
  t.equal(classifyTikTokError({ tiktokCode: 'temporarily_unavailable', httpStatus: 200 }), 'retryable')
  t.equal(classifyTikTokError({ tiktokCode: 'access_token_invalid', httpStatus: 401 }), 'token_invalid')
  t.equal(classifyTikTokError({ tiktokCode: 'access_token_invalid', httpStatus: 200 }), 'token_invalid')
  t.equal(classifyTikTokError({ httpStatus: 429 }), 'rate_limited')
  t.equal(classifyTikTokError({ tiktokCode: 'rate_limit_exceeded', httpStatus: 200 }), 'rate_limited')
  t.equal(classifyTikTokError({ tiktokCode: 'invalid_params', httpStatus: 400 }), 'permanent')
  t.equal(classifyTikTokError({ tiktokCode: 'scope_not_authorized', httpStatus: 401 }), 'permanent')
  t.equal(classifyTikTokError({ tiktokCode: 'invalid_grant', httpStatus: 200 }), 'permanent')
  t.equal(new TikTokTimeoutError('x').category, 'retryable')
  t.equal(new TikTokConnectionError('x').retryable, true)
})

t.test('rate_limited errors carry retryAfterMs advice; others do not', async (t) => {
  t.equal(new TikTokApiError('x', { httpStatus: 429 }).retryAfterMs, 60_000)
  t.equal(new TikTokApiError('x', { httpStatus: 500 }).retryAfterMs, undefined)
})

t.test('invalid_param and invalid_params are the same code', async (t) => {
  const e = new TikTokApiError('x', { tiktokCode: 'invalid_param', httpStatus: 400 })
  t.ok(e.hasTikTokCode('invalid_params'))
  t.ok(e.hasTikTokCode('invalid_param'))
  t.notOk(e.hasTikTokCode('access_token_invalid'))
})

t.test('error classes follow house style: name, code from the union, cause', async (t) => {
  const cause = new Error('socket hang up')
  const e = new TikTokConnectionError('boom', { cause })
  t.equal(e.name, 'TikTokConnectionError')
  t.equal(e.code, 'TIKTOK_CONNECTION_ERROR')
  t.equal(e.cause, cause)
  t.ok(e instanceof TikTokError)
  t.notOk('cause' in e.toJSON())
})

type ErrorClass = new (message: string, options?: TikTokErrorOptions) => TikTokError

/** Every error class the package exports. */
const exportedErrorClasses = (Object.values(tiktokClient) as unknown[]).filter(
  (v): v is ErrorClass => typeof v === 'function' && v.prototype instanceof TikTokError,
)

/**
 * Per error class: its code, its category from a 500 when the caller gives none, and with the
 * caller's `category: 'token_invalid'` (kept unless the class forces its own).
 */
const errorKinds: Record<string, [code: string, own: string, withCallers: string]> = {
  TikTokApiError: ['TIKTOK_API_ERROR', 'retryable', 'token_invalid'],
  TikTokOAuthError: ['TIKTOK_OAUTH_ERROR', 'retryable', 'token_invalid'],
  TikTokUploadUrlExpiredError: ['TIKTOK_UPLOAD_URL_EXPIRED', 'permanent', 'token_invalid'],
  TikTokUploadError: ['TIKTOK_UPLOAD_FAILED', 'retryable', 'token_invalid'],
  TikTokUploadProgressUnknownError: ['TIKTOK_UPLOAD_PROGRESS_UNKNOWN', 'permanent', 'token_invalid'],
  TikTokTimeoutError: ['TIKTOK_TIMEOUT', 'retryable', 'retryable'],
  TikTokConnectionError: ['TIKTOK_CONNECTION_ERROR', 'retryable', 'retryable'],
  TikTokInvalidResponseError: ['TIKTOK_INVALID_RESPONSE', 'retryable', 'token_invalid'],
  TikTokInvalidArgumentError: ['TIKTOK_INVALID_ARGUMENT', 'permanent', 'permanent'],
  TikTokWebhookPayloadError: ['TIKTOK_INVALID_WEBHOOK_PAYLOAD', 'permanent', 'token_invalid'],
}

t.test('the table below names every exported error class', async (t) => {
  t.same(exportedErrorClasses.map((c) => c.name).sort(), Object.keys(errorKinds).sort())
})

for (const ErrorClass of exportedErrorClasses) {
  const [code, own, withCallers] = errorKinds[ErrorClass.name] ?? []
  t.test(
    `${ErrorClass.name}: ${code}, ${own} on a 500, ${withCallers} when the caller says token_invalid`,
    async (t) => {
      const e = new ErrorClass('m', { httpStatus: 500, logId: 'L1' })
      t.ok(e instanceof TikTokError)
      t.ok(e instanceof ErrorClass)
      t.equal(e.name, ErrorClass.name)
      t.equal(e.code, code)
      t.equal(e.message, 'm')
      t.equal(e.logId, 'L1')
      t.equal(e.category, own)
      t.equal(new ErrorClass('m', { httpStatus: 500, category: 'token_invalid' }).category, withCallers)
    },
  )
}

t.test('OAuth error messages, toString and JSON never contain secrets, codes or tokens', async (t) => {
  // A hostile server that echoes the whole form body back in every text field.
  const stub = await stubServer(t, (req, res) =>
    reply(res, 200, {
      error: 'invalid_grant',
      error_description: `echo: ${req.body} decoded: ${new URLSearchParams(req.body).toString()} ${[...new URLSearchParams(req.body).values()].join(' ')}`,
      log_id: 'L1',
    }),
  )
  const client = createTikTokClient({
    clientKey: 'ck',
    clientSecret,
    apiBaseUrl: stub.url,
    redirectUri: 'https://app.example/cb',
  })
  t.teardown(() => client.close())
  const secrets = [
    clientSecret,
    'auth*CODE!6410xyz',
    'verifier-'.padEnd(50, 'v'),
    'rft.refresh-token-value',
    'act.access-token-value',
  ]
  const calls = [
    client.oauth.exchangeCode({ code: secrets[1] as string, codeVerifier: secrets[2] as string }),
    client.oauth.refreshAccessToken(secrets[3] as string),
    client.oauth.revokeAccessToken(secrets[4] as string),
  ]
  for (const call of calls) {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    )
    t.ok(err instanceof TikTokOAuthError)
    const e = err as TikTokOAuthError
    t.equal(e.tiktokCode, 'invalid_grant')
    t.equal(e.logId, 'L1')
    t.equal(e.httpStatus, 200)
    const surfaces = [e.message, String(e), JSON.stringify(e)]
    for (const text of surfaces)
      for (const s of secrets) t.notOk(text.includes(s), 'no secret in the message, toString or JSON')
    t.ok(e.message.includes('[REDACTED]'), 'the echo was scrubbed, not dropped silently')
  }
  t.equal(stub.requests.length, 3)
  t.match(
    stub.requests[0]?.body,
    /client_secret=sbx_secret_DO_NOT_LEAK_123/,
    'the secret went in the form body',
  )
})

t.test('API error messages never contain the access token', async (t) => {
  const stub = await stubServer(t, (req, res) =>
    reply(res, 401, {
      error: { code: 'access_token_invalid', message: `bad ${req.headers.authorization}`, log_id: 'L2' },
    }),
  )
  const client = createTikTokClient({ clientKey: 'ck', clientSecret, apiBaseUrl: stub.url })
  t.teardown(() => client.close())
  const token = 'not-prefixed-token-ABCDEFG'
  const err = await client.display.getUserInfo(token, ['open_id']).catch((e: unknown) => e)
  t.ok(err instanceof TikTokApiError)
  const e = err as TikTokApiError
  t.equal(e.category, 'token_invalid')
  for (const text of [e.message, String(e), JSON.stringify(e)]) t.notOk(text.includes(token))
})

t.test('a call that gets no answer within timeoutMs fails as a retryable timeout', async (t) => {
  const stub = await stubServer(t, () => {
    /* never answer */
  })
  const client = createTikTokClient({ clientKey: 'ck', clientSecret, apiBaseUrl: stub.url, timeoutMs: 200 })
  t.teardown(() => client.close())
  const err = await client.posting.fetchStatus('act.x', 'p1').catch((e: unknown) => e)
  t.ok(err instanceof TikTokTimeoutError)
  t.equal((err as TikTokError).category, 'retryable')
})

t.test('a refused connection fails as a retryable connection error', async (t) => {
  const stub = await stubServer(t, (_req, res) => reply(res, 200, {}))
  const port = new URL(stub.url).port
  const closed = `http://127.0.0.1:${Number(port) === 1 ? 2 : 1}`
  const client = createTikTokClient({ clientKey: 'ck', clientSecret, apiBaseUrl: closed, timeoutMs: 2000 })
  t.teardown(() => client.close())
  const err = await client.posting.fetchStatus('act.x', 'p1').catch((e: unknown) => e)
  t.ok(err instanceof TikTokConnectionError, String(err))
  t.equal((err as TikTokError).category, 'retryable')
})
