import { createTikTokClient, TikTokError } from '@social-bridge/tiktok-client'
import t from 'tap'
import { AuthClientError } from '../src/index.js'
import { startAuth } from './helper.js'

const stack = await startAuth(t)
const client = stack.client()
const tiktok = createTikTokClient({
  clientKey: stack.sandbox.clientKey,
  clientSecret: 'x',
  apiBaseUrl: stack.sandbox.url,
})
t.teardown(() => tiktok.close())

/** The AuthClientError `promise` rejects with (fails the test when it resolves or rejects otherwise). */
async function failure(promise: Promise<unknown>): Promise<AuthClientError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof AuthClientError)) throw new Error(`expected an AuthClientError, got ${String(err)}`)
  return err
}

t.test("a connection's access token is handed out with the connection and works at TikTok", async (t) => {
  const { connectionId, openId } = await stack.connect('tenant-a')
  const handed = await client.getAccessToken(connectionId, { tenantId: 'tenant-a' })
  t.match(handed, { connectionId, tenantId: 'tenant-a', provider: 'tiktok', openId })
  t.ok(Date.parse(handed.accessTokenExpiresAt) > Date.now(), 'not expired')
  const info = await tiktok.display.getUserInfo(handed.accessToken, ['open_id'])
  t.equal(info.openId, openId)
  t.equal((await client.getAccessToken(connectionId)).accessToken, handed.accessToken, 'no tenant: unscoped')
})

t.test("another tenant's connection and an unknown id are NOT_FOUND, not retryable", async (t) => {
  const { connectionId } = await stack.connect('tenant-a')
  // one call at a time: a second rejection started before the first is awaited would be unhandled
  for (const call of [
    () => client.getAccessToken(connectionId, { tenantId: 'tenant-b' }),
    () => client.getAccessToken('00000000-0000-4000-8000-000000000000'),
  ]) {
    const err = await failure(call())
    t.match(err, { code: 'NOT_FOUND', httpStatus: 404, retryable: false })
  }
})

t.test('forceRefresh after TikTok rejected the token hands out another token from one refresh', async (t) => {
  const { connectionId, openId } = await stack.connect('tenant-a')
  const rejected = (await client.getAccessToken(connectionId)).accessToken
  stack.sandbox.expireTokens(openId, { access: true, refresh: false })
  const refused = await tiktok.display.getUserInfo(rejected, ['open_id']).catch((e: unknown) => e)
  t.ok(refused instanceof TikTokError && refused.category === 'token_invalid', 'TikTok rejects the token')
  stack.sandbox.clearRequestLog()

  const fresh = await client.getAccessToken(connectionId, { tenantId: 'tenant-a', forceRefresh: true })

  t.not(fresh.accessToken, rejected)
  t.equal((await tiktok.display.getUserInfo(fresh.accessToken, ['open_id'])).openId, openId)
  const refreshes = stack.sandbox
    .requestLog()
    .filter((e) => e.endpoint === 'oauth.token' && e.grantType === 'refresh_token')
  t.equal(refreshes.length, 1, 'auth-service refreshed once')
})

t.test('a dead grant is REAUTH_REQUIRED and a disconnected account CONNECTION_NOT_ACTIVE', async (t) => {
  const dead = await stack.connect('tenant-a')
  stack.sandbox.expireTokens(dead.openId, { access: true, refresh: true })
  const reauth = await failure(client.getAccessToken(dead.connectionId, { forceRefresh: true }))
  t.match(reauth, { code: 'REAUTH_REQUIRED', httpStatus: 409, retryable: false })

  const gone = await stack.connect('tenant-a')
  t.equal(await stack.disconnect('tenant-a', gone.connectionId), 200)
  const inactive = await failure(client.getAccessToken(gone.connectionId))
  t.match(inactive, { code: 'CONNECTION_NOT_ACTIVE', httpStatus: 409, retryable: false })
})

t.test(
  "TikTok's refresh down is SERVICE_UNAVAILABLE with auth-service's Retry-After, no token in the error",
  async (t) => {
    const { connectionId } = await stack.connect('tenant-a')
    const current = (await client.getAccessToken(connectionId)).accessToken
    // the refresh and auth-service's two in-request retries
    stack.sandbox.injectFault({ endpoint: 'oauth.token', kind: 'internal_error', status: 503, count: 3 })
    t.teardown(() => stack.sandbox.clearFaults())

    const err = await failure(client.getAccessToken(connectionId, { forceRefresh: true }))

    t.match(err, { code: 'SERVICE_UNAVAILABLE', httpStatus: 503, retryable: true })
    t.ok(
      err.retryAfterMs !== undefined && err.retryAfterMs >= 1000 && err.retryAfterMs <= 60_000,
      'Retry-After',
    )
    t.match(err.message, /503 TIKTOK_UNAVAILABLE/)
    t.notOk(JSON.stringify({ message: err.message, stack: err.stack }).includes(current))
  },
)

t.test('an unreachable auth-service is SERVICE_UNAVAILABLE without a status', async (t) => {
  const down = stack.client({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 })
  const err = await failure(down.getAccessToken('00000000-0000-4000-8000-000000000000'))
  t.match(err, { code: 'SERVICE_UNAVAILABLE', httpStatus: undefined, retryable: true })
  t.ok(err.cause, 'the network error is the cause')
  t.match(await failure(down.listActiveConnections()), { code: 'SERVICE_UNAVAILABLE' })
})

t.test("each call carries the configured service's internal token", async (t) => {
  const { connectionId } = await stack.connect('tenant-a')
  const analytics = stack.client({ service: 'analytics-service' })
  t.equal((await analytics.getAccessToken(connectionId)).connectionId, connectionId, 'a served caller')
  const notServed = await failure(stack.client({ service: 'webhook-ingest' }).getAccessToken(connectionId))
  t.match(notServed, { code: 'SERVICE_UNAVAILABLE', httpStatus: 403 })
  const forged = stack.client({ internalJwtSecret: 'another-secret-that-is-32-bytes-long!!' })
  t.match(await failure(forged.getAccessToken(connectionId)), {
    code: 'SERVICE_UNAVAILABLE',
    httpStatus: 401,
  })
})
