import t, { type Test } from 'tap'
import { connectionRow, expireStoredAccessToken } from '../db.js'
import { waitUntil } from '../helper.js'
import { buildConnected, buildReplica, requestAccessToken } from '../setup.js'
import { tokenSetup } from './token-setup.js'

const setup = (t: Test) => tokenSetup(t, { service: 'analytics-service', collectEvents: true })

t.test('invalid_grant marks the connection reauth_required and emits the event', async (t) => {
  const { sandbox, app, events, creator, connectionId, getToken, attempts } = await setup(t)
  sandbox.expireTokens(creator.openId, { access: true, refresh: true })
  await expireStoredAccessToken(app, connectionId)
  const res = await getToken()
  t.equal(res.statusCode, 409)
  t.equal(res.json().error.code, 'REAUTH_REQUIRED')
  const row = await connectionRow(app, connectionId)
  t.equal(row?.status, 'reauth_required')
  t.equal(row?.refresh_token_sealed, null, 'the dead tokens are deleted')
  t.same(await attempts(), ['reauth_required:invalid_grant'])
  t.ok(await waitUntil(() => events.events.some((e) => e.subject === 'social.connection.reauth_required')))
  t.equal(
    (await getToken()).json().error.code,
    'REAUTH_REQUIRED',
    'later access-token requests answer 409 without calling TikTok',
  )
})

t.test('a refresh token past its stored expiry needs reauth without a call to TikTok', async (t) => {
  const { sandbox, app, connectionId, getToken, attempts } = await setup(t)
  await app.sql`update auth.connections set refresh_token_expires_at = now() - interval '1 second' where id = ${connectionId}`
  await expireStoredAccessToken(app, connectionId)
  sandbox.clearRequestLog()
  t.equal((await getToken()).statusCode, 409)
  t.equal(sandbox.requestLog().length, 0)
  t.same(await attempts(), ['reauth_required:refresh_token_expired'])
})

t.test('a transient failure is retried and then succeeds', async (t) => {
  const { sandbox, app, connectionId, getToken, attempts } = await setup(t)
  await expireStoredAccessToken(app, connectionId)
  sandbox.injectFault({ endpoint: 'oauth.token', kind: 'internal_error', count: 2 })
  const res = await getToken()
  t.equal(res.statusCode, 200)
  t.same(await attempts(), ['refreshed'])
  const [row] =
    await app.sql`select tiktok_calls from auth.refresh_attempts where connection_id = ${connectionId}`
  t.equal(row?.tiktok_calls, 3, 'two failures, then success')
})

t.test(
  'persistent transient failures leave the connection active and usable while its token is valid',
  async (t) => {
    const { sandbox, app, connectionId, getToken, attempts } = await setup(t)
    const valid = (await getToken()).json().accessToken
    // inside the refresh window but not expired yet
    await app.sql`update auth.connections set next_refresh_at = now() - interval '1 second' where id = ${connectionId}`
    sandbox.injectFault({ endpoint: 'oauth.token', kind: 'internal_error', count: 3 })
    const res = await getToken()
    t.equal(res.statusCode, 200)
    t.equal(res.json().accessToken, valid, 'the current token is still served')
    const row = await connectionRow(app, connectionId)
    t.equal(row?.status, 'active')
    t.equal(row?.refresh_failures, 1)
    t.ok(new Date(String(row?.next_refresh_at)) > new Date(), 'rescheduled with backoff')
    t.same(await attempts(), ['transient_failure:server_error'])
  },
)

t.test(
  'persistent transient failures with an expired token answer 503 and keep the connection active',
  async (t) => {
    const { sandbox, app, connectionId, getToken, attempts } = await setup(t)
    await expireStoredAccessToken(app, connectionId)
    sandbox.injectFault({ endpoint: 'oauth.token', kind: 'rate_limit', count: 3 })
    const res = await getToken()
    t.equal(res.statusCode, 503)
    t.equal(res.json().error.code, 'TIKTOK_UNAVAILABLE')
    t.equal((await connectionRow(app, connectionId))?.status, 'active')
    t.same(
      await attempts(),
      ['transient_failure:temporarily_unavailable'],
      'a flat OAuth 429 (docs/tiktok-api.md §1.6)',
    )
    t.equal((await getToken({ forceRefresh: true })).statusCode, 200, 'works again once TikTok recovers')
  },
)

t.test(
  'a rejected client (not the grant) is recorded as failed and never marks reauth_required',
  async (t) => {
    const good = await buildConnected(t)
    const { connectionId } = good
    const bad = await buildReplica(t, good.sandbox, good.config, {
      overrides: { TIKTOK_CLIENT_SECRET: 'wrong-secret' },
    })
    const res = await requestAccessToken(bad.app, connectionId, { payload: { forceRefresh: true } })
    t.equal(res.statusCode, 503)
    t.equal((await connectionRow(good.app, connectionId))?.status, 'active')
    const [attempt] = await good.app.sql`select outcome, error_code from auth.refresh_attempts`
    t.same(attempt, { outcome: 'failed', error_code: 'invalid_client' })
  },
)
