import t from 'tap'
import { expireStoredAccessToken } from '../db.js'
import { build, connectAccount, startSandbox } from '../helper.js'
import { buildReplica, requestAccessToken } from '../setup.js'

t.test(
  'two instances and 50 concurrent access-token requests of an expired token make exactly one refresh call',
  async (t) => {
    const sandbox = await startSandbox(t) // rotation 'invalidate': the old refresh token dies
    const a = await build(t, { sandbox })
    // a second replica on the same database and NATS namespace, with its own pool and TikTok client
    const b = await buildReplica(t, sandbox, a.config)
    const creator = sandbox.addUser()
    const { connectionId } = await connectAccount(a.app, { tenantId: 't1', userId: 'u1' }, creator.openId)
    const before = await requestAccessToken(a.app, connectionId)
    const oldToken = before.json().accessToken
    sandbox.expireTokens(creator.openId, { access: true, refresh: false })
    await expireStoredAccessToken(a.app, connectionId)
    sandbox.clearRequestLog()

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => requestAccessToken(i % 2 ? a.app : b.app, connectionId)),
    )
    t.same(
      results.map((r) => r.statusCode),
      Array(50).fill(200),
      'every caller got an access token',
    )
    const tokens = new Set(results.map((r) => r.json().accessToken))
    t.equal(tokens.size, 1, 'everyone got the same token')
    const [newToken] = [...tokens]
    t.not(newToken, oldToken, 'it is the new token')
    const refreshCalls = sandbox.requestLog().filter((e) => e.endpoint === 'oauth.token')
    t.equal(refreshCalls.length, 1, 'exactly one refresh call reached TikTok')
    t.equal(refreshCalls[0]?.grantType, 'refresh_token')
    t.equal(refreshCalls[0]?.refreshToken, 'current')
    const info = await a.app.tiktok.display.getUserInfo(newToken as string, ['open_id'])
    t.equal(info.openId, creator.openId, 'the new token works')

    // later refreshes, from either replica, use the rotated refresh token, never the old one
    for (const app of [b.app, a.app]) {
      const res = await requestAccessToken(app, connectionId, { payload: { forceRefresh: true } })
      t.equal(res.statusCode, 200)
    }
    const states = sandbox
      .requestLog()
      .filter((e) => e.grantType === 'refresh_token')
      .map((e) => e.refreshToken)
    t.same(states, ['current', 'current', 'current'], 'no stale refresh token was ever presented')
    const [attempts] = await a.app
      .sql`select count(*)::int as n from auth.refresh_attempts where outcome = 'refreshed'`
    t.equal(attempts?.n, 3, 'every refresh is recorded')
  },
)
