import t from 'tap'
import { build, connectAccount, newKey, startSandbox } from '../helper.js'
import { buildReplica, requestAccessToken } from '../setup.js'

t.test(
  'the scheduler refreshes every connection before expiry when TikTok issues short lifetimes',
  async (t) => {
    // 60 s access tokens: due at expires_in/2 = 30 s before expiry (the 300 s margin would never fit)
    const sandbox = await startSandbox(t, { accessTokenTtlSec: 60 })
    const { app } = await build(t, { sandbox })
    const ids: string[] = []
    for (let i = 0; i < 4; i++) {
      const { connectionId } = await connectAccount(
        app,
        { tenantId: 't1', userId: 'u1' },
        sandbox.addUser().openId,
      )
      ids.push(connectionId)
    }
    const [row] =
      await app.sql`select extract(epoch from access_token_expires_at - next_refresh_at)::int as lead
    from auth.connections where id = ${ids[0]!}`
    t.equal(row?.lead, 30, 'the refresh time comes from the stored expires_in')
    t.same(
      await app.refreshScheduler.runOnce(),
      { refreshed: 0, reauthRequired: 0, failed: 0 },
      'nothing due yet',
    )

    await app.sql`update auth.connections set next_refresh_at = now() - interval '1 second'` // 30 s later
    sandbox.clearRequestLog()
    t.same(await app.refreshScheduler.runOnce(), { refreshed: 4, reauthRequired: 0, failed: 0 })
    const calls = sandbox.requestLog().filter((e) => e.grantType === 'refresh_token')
    t.equal(calls.length, 4, 'one refresh call per connection')
    const rows =
      await app.sql`select access_token_expires_at > now() as valid, last_refreshed_at is not null as refreshed
    from auth.connections`
    t.ok(
      rows.every((r) => r.valid && r.refreshed),
      'all refreshed while still valid',
    )
    sandbox.clearRequestLog()
    const handed = await requestAccessToken(app, ids[0]!)
    t.equal(handed.statusCode, 200)
    t.equal(sandbox.requestLog().length, 0, 'an access token after the pass needs no refresh')
  },
)

t.test('two scheduler replicas refresh each due connection exactly once', async (t) => {
  const sandbox = await startSandbox(t)
  const a = await build(t, { sandbox })
  const b = await buildReplica(t, sandbox, a.config)
  for (let i = 0; i < 12; i++)
    await connectAccount(a.app, { tenantId: 't1', userId: 'u1' }, sandbox.addUser().openId)
  await a.app.sql`update auth.connections set next_refresh_at = now() - interval '1 second'`
  sandbox.clearRequestLog()
  const [pa, pb] = await Promise.all([a.app.refreshScheduler.runOnce(), b.app.refreshScheduler.runOnce()])
  t.equal(pa.refreshed + pb.refreshed, 12)
  const calls = sandbox.requestLog().filter((e) => e.grantType === 'refresh_token')
  t.equal(calls.length, 12)
  t.ok(
    calls.every((c) => c.refreshToken === 'current'),
    'no stale refresh token presented',
  )
})

t.test('a row whose key is no longer configured is skipped and recorded; the pass goes on', async (t) => {
  const sandbox = await startSandbox(t)
  const a = await build(t, {
    sandbox,
    overrides: { TOKEN_ENCRYPTION_KEYS: `A:${newKey()}`, TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'A' },
  })
  const lost = await connectAccount(a.app, { tenantId: 't1', userId: 'u1' }, sandbox.addUser().openId)
  const b = await buildReplica(t, sandbox, a.config, {
    overrides: { TOKEN_ENCRYPTION_KEYS: `B:${newKey()}`, TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'B' },
  })
  const kept = await connectAccount(b.app, { tenantId: 't1', userId: 'u1' }, sandbox.addUser().openId)
  await b.app.sql`update auth.connections set next_refresh_at = now() - interval '1 second'`
  sandbox.clearRequestLog()

  t.same(await b.app.refreshScheduler.runOnce(), { refreshed: 1, reauthRequired: 0, failed: 1 })
  t.equal(sandbox.requestLog().length, 1, 'only the readable row reached TikTok')
  const rows = await b.app.sql`select id, status, next_refresh_at > now() as later from auth.connections`
  t.same(
    rows.map((r) => [r.id, r.status, r.later]).sort(),
    [
      [lost.connectionId, 'active', true],
      [kept.connectionId, 'active', true],
    ].sort(),
    'the unreadable row is rescheduled, not dropped',
  )
  const [attempt] = await b.app
    .sql`select outcome, error_code from auth.refresh_attempts where connection_id = ${lost.connectionId}`
  t.same(attempt, { outcome: 'failed', error_code: 'token_key_unavailable' })
})
