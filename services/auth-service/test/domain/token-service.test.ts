import { Writable } from 'node:stream'
import t, { type Test } from 'tap'
import { connectionRow } from '../db.js'
import { build, connectAccount, newKey, startSandbox, waitUntil } from '../helper.js'
import { buildReplica, requestAccessToken } from '../setup.js'
import { tokenSetup } from './token-setup.js'

const setup = (t: Test) => tokenSetup(t, { service: 'publish-service' })

t.test(
  'the access-token hand-out never returns an expired token after a failed refresh pushed next_refresh_at past the expiry',
  async (t) => {
    const { sandbox, app, connectionId, getToken, attempts } = await setup(t)
    // the scheduler's refresh fails: the row is rescheduled with backoff (next_refresh_at in the future)
    await app.sql`update auth.connections set next_refresh_at = now() - interval '1 second' where id = ${connectionId}`
    sandbox.injectFault({ endpoint: 'oauth.token', kind: 'internal_error', count: 1 })
    t.match(await app.refreshScheduler.runOnce(), { failed: 1 })
    const rescheduled = await connectionRow(app, connectionId)
    t.ok(new Date(String(rescheduled?.next_refresh_at)) > new Date(), 'backoff moved the refresh later')
    // time passes: the access token expires before the backoff ends; TikTok is still failing
    await app.sql`update auth.connections set access_token_expires_at = now() - interval '1 second' where id = ${connectionId}`
    sandbox.injectFault({ endpoint: 'oauth.token', kind: 'internal_error', count: 3 })

    const res = await getToken()
    t.equal(res.statusCode, 503, 'no expired token is handed out')
    t.match(res.json(), { error: { code: 'TIKTOK_UNAVAILABLE', message: String }, requestId: String })
    t.match(res.headers['retry-after'], /^[1-9][0-9]*$/, 'Retry-After says when to come back')
    t.equal((await connectionRow(app, connectionId))?.status, 'active', 'the connection stays active')
    t.same(await attempts(), ['transient_failure:server_error', 'transient_failure:server_error'])

    const recovered = await getToken()
    t.equal(recovered.statusCode, 200, 'once TikTok answers, the hand-out refreshes first')
    t.ok(new Date(recovered.json().accessTokenExpiresAt) > new Date())
  },
)

t.test(
  'a token within the margin of its expiry is refreshed by the hand-out even while the scheduler backs off',
  async (t) => {
    const { sandbox, app, connectionId, getToken, tokenCalls } = await setup(t)
    const old = (await getToken()).json().accessToken
    // 60 s left of a 2 h token (margin 300 s), and the scheduler's next try is 10 minutes away
    await app.sql`update auth.connections set access_token_expires_at = now() + interval '60 seconds',
      access_token_issued_at = now() - interval '7140 seconds', next_refresh_at = now() + interval '10 minutes'
      where id = ${connectionId}`
    sandbox.clearRequestLog()
    const res = await getToken()
    t.equal(res.statusCode, 200)
    t.not(res.json().accessToken, old, 'a new token, not the one about to expire')
    t.equal(tokenCalls(), 1)
  },
)

t.test('a forced refresh never joins an ordinary refresh that keeps the reported token', async (t) => {
  const { sandbox, app, connectionId, getToken, attempts } = await setup(t)
  const reported = (await getToken()).json().accessToken
  // an ordinary refresh is due while the token is still valid; TikTok holds its first call, then fails
  await app.sql`update auth.connections set next_refresh_at = now() - interval '1 second' where id = ${connectionId}`
  sandbox.injectFault({ endpoint: 'oauth.token', kind: 'timeout', holdMs: 1500, count: 1 })
  sandbox.injectFault({ endpoint: 'oauth.token', kind: 'internal_error', count: 2 })
  sandbox.clearRequestLog()
  const ordinary = getToken()
  t.ok(await waitUntil(() => sandbox.requestLog().some((e) => e.endpoint === 'oauth.token')))
  const forced = getToken({ forceRefresh: true }) // the caller got access_token_invalid for `reported`

  const [o, f] = await Promise.all([ordinary, forced])
  t.equal(o.statusCode, 200)
  t.equal(o.json().accessToken, reported, 'the ordinary request keeps the still-valid token')
  t.equal(f.statusCode, 200)
  t.not(f.json().accessToken, reported, 'the forced request gets another token')
  t.same(await attempts(), ['transient_failure:server_error', 'refreshed'])
})

t.test('a refresh found already done under the lock is recorded as already_fresh', async (t) => {
  const { app, connectionId, attempts } = await setup(t)
  const row = await connectionRow(app, connectionId)
  const seenVersion = Number(row?.token_version)
  await app.auth.tokens.refresh(connectionId, { trigger: 'manual', force: true, seenVersion })
  // a second admin saw the same version: by the time it holds the lock, the token is new
  await app.auth.tokens.refresh(connectionId, { trigger: 'manual', force: true, seenVersion })
  t.same(await attempts(), ['refreshed', 'already_fresh'])
})

t.test(
  'an access-token request of a row whose key is no longer configured answers TOKEN_KEY_UNAVAILABLE and logs no token',
  async (t) => {
    const sandbox = await startSandbox(t)
    const keyA = `A:${newKey()}`
    const a = await build(t, {
      sandbox,
      overrides: { TOKEN_ENCRYPTION_KEYS: keyA, TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'A' },
    })
    const { connectionId } = await connectAccount(
      a.app,
      { tenantId: 't1', userId: 'u1' },
      sandbox.addUser().openId,
    )
    const token = (await requestAccessToken(a.app, connectionId)).json().accessToken
    // key A was removed from TOKEN_ENCRYPTION_KEYS before the row was re-encrypted
    const logs: string[] = []
    const logStream = new Writable({ write: (chunk, _enc, cb) => cb(void logs.push(String(chunk))) })
    const b = await buildReplica(t, sandbox, a.config, {
      logStream,
      overrides: { TOKEN_ENCRYPTION_KEYS: `B:${newKey()}`, TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'B' },
    })
    for (const payload of [{}, { forceRefresh: true }]) {
      const res = await requestAccessToken(b.app, connectionId, { payload })
      t.equal(res.statusCode, 500)
      t.match(res.json(), { error: { code: 'TOKEN_KEY_UNAVAILABLE', message: /key/ }, requestId: String })
    }
    t.match(logs.join(''), /encryption key is not configured/, 'the cause is logged')
    t.notOk(logs.join('').includes(token), 'without the token')
    t.equal(
      (await connectionRow(a.app, connectionId))?.status,
      'active',
      'the connection is kept for the key',
    )
  },
)
