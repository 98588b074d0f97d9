import t from 'tap'
import { buildTracked } from '../../accounts.js'
import { asUser } from '../../helper.js'

t.test('an access token TikTok rejects is recovered once through a forced refresh', async (t) => {
  const { ctx, user } = await buildTracked(t, { videos: 5 })
  ctx.sandbox.expireTokens(user.openId, { access: true, refresh: false })
  ctx.sandbox.clearRequestLog()

  const outcomes = await ctx.app.scheduler.drain()

  t.match(outcomes, [{ kind: 'synced', videos: 5 }])
  const log = ctx.sandbox.requestLog()
  const rejected = log.filter((e) => e.errorCode === 'access_token_invalid')
  t.equal(rejected.length, 1, 'one call was rejected')
  const refreshes = log.filter((e) => e.endpoint === 'oauth.token' && e.grantType === 'refresh_token')
  t.equal(refreshes.length, 1, 'auth-service refreshed once, on our forceRefresh')
  t.equal(ctx.app.analytics.callStats.get('video.list:token_invalid'), 1)
})

t.test('an account whose grant is dead is skipped and shown as stale', async (t) => {
  const { ctx, user, connectionId } = await buildTracked(t, { videos: 2 })
  ctx.sandbox.expireTokens(user.openId, { access: true, refresh: true })

  const outcomes = await ctx.app.scheduler.drain()

  t.match(outcomes, [{ kind: 'stale', reason: 'reauth_required' }])
  const res = await ctx.app.inject({
    url: `/analytics/connections/${connectionId}`,
    headers: await asUser('tenant-a'),
  })
  t.equal(res.json().stale, true)
  ctx.sandbox.advanceClock(2 * 3_600_000)
  ctx.sandbox.clearRequestLog()
  t.same(await ctx.app.scheduler.drain(), [], 'a stale account is no longer synced')
  t.equal(ctx.sandbox.requestLog().length, 0, 'no TikTok call for it')
})

t.test('a refresh auth-service cannot make now is retried, not before its Retry-After', async (t) => {
  const { ctx, user, connectionId } = await buildTracked(t, { videos: 2 })
  ctx.sandbox.expireTokens(user.openId, { access: true, refresh: false })
  // the forced refresh and auth-service's two in-request retries
  ctx.sandbox.injectFault({ endpoint: 'oauth.token', kind: 'internal_error', status: 503, count: 3 })

  const before = ctx.sandbox.now()
  const outcomes = await ctx.app.scheduler.drain()

  t.match(outcomes, [
    { kind: 'failed', error: /AuthClientError: auth-service answered 503 TIKTOK_UNAVAILABLE/ },
  ])
  const [failed] = outcomes as { retryAt: Date }[]
  const waitMs = failed!.retryAt.getTime() - before
  t.ok(waitMs >= 1000, `retried after auth-service's Retry-After (≥ 1 s), not SYNC_RETRY_MS (${waitMs} ms)`)
  const res = await ctx.app.inject({
    url: `/analytics/connections/${connectionId}`,
    headers: await asUser('tenant-a'),
  })
  t.equal(res.json().stale, false, 'the account is not stale: auth-service was only briefly unable')
})
