import { Writable } from 'node:stream'
import { readStream } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { asUser, build } from '../../helper.js'
import { connectInstagram, publishReels } from '../../instagram.js'

const MINUTE_MS = 60_000

const insightsCalls = (log: { endpoint: string; status: number }[]) =>
  log.filter((e) => e.endpoint === 'ig.insights' && e.status === 200).length

t.test(
  'Reel insights and the account followers and reach land in the metric history and the reports',
  async (t) => {
    const ctx = await build(t)
    const ig = await connectInstagram(t, ctx, { followersCount: 3210 })
    const [reel] = await publishReels(t, ctx, ig, 1)
    ctx.sandbox.instagram.store.mediaInsights.set(reel!.media.id, { views: 500_000, saved: 7000 })
    ctx.sandbox.clearRequestLog()

    const outcomes = await ctx.app.scheduler.drain()

    t.match(
      outcomes,
      [{ kind: 'synced', videos: 1, apiCalls: 3 }],
      'one Reel call, the profile and the reach',
    )
    const log = ctx.sandbox.requestLog()
    t.equal(insightsCalls(log), 2, 'the Reel insights and the account reach')
    t.equal(log.filter((e) => e.endpoint === 'ig.me' && e.status === 200).length, 1, 'followers from /me')
    const headers = await asUser('tenant-a')
    const post = (await ctx.app.inject({ url: `/analytics/posts/${reel!.postId}`, headers })).json()
    t.ok(post.latest.views >= 500_000, `views ${post.latest.views}`)
    t.ok(post.latest.saved >= 7000, 'saved is kept')
    t.ok(
      post.latest.reach > 0 && post.latest.likes > 0 && post.latest.shares >= 0,
      'reach, likes and shares are kept',
    )
    t.equal(post.history.length, 1)
    const account = (
      await ctx.app.inject({ url: `/analytics/connections/${ig.connectionId}`, headers })
    ).json()
    t.equal(account.latest.followers, 3210, 'followers as the profile says')
    t.ok(account.latest.reach > 0, `account reach of the day: ${account.latest.reach}`)
    t.equal(account.totals.videos, 1)
    t.equal(account.totals.views, post.latest.views)
    const [event] = await readStream(ctx.namespace, { filter: 'social.metrics.synced' })
    t.match(event?.envelope, {
      tenantId: 'tenant-a',
      data: { connectionId: ig.connectionId, videoCount: 1, apiCalls: 3 },
    })

    ctx.sandbox.advanceClock(61 * MINUTE_MS)
    t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 1 }], 'synced again when due')
    const later = (await ctx.app.inject({ url: `/analytics/posts/${reel!.postId}`, headers })).json()
    t.equal(later.history.length, 2, 'two points in the history, none overwritten')
    t.ok(later.history[1].views > later.history[0].views, 'views grew')
    t.ok(later.delta.views > 0)
    const [row] = await ctx.app.pg<{ provider: string }[]>`
    select provider from analytics.video_metrics_snapshots where video_id = ${reel!.media.id} limit 1`
    t.equal(row?.provider, 'instagram', 'the snapshots carry the provider')
  },
)

t.test('with usage high the sync slows, stops before Meta throttles, waits, then resumes', async (t) => {
  // a spacing far longer than a call, so the paced calls wait whatever the machine's load
  const overrides = { INSTAGRAM_USAGE_PAUSE_MS: 30 * MINUTE_MS, INSTAGRAM_USAGE_SLOW_INTERVAL_MS: 1500 }
  const ctx = await build(t, { overrides })
  const ig = await connectInstagram(t, ctx)
  const reels = await publishReels(t, ctx, ig, 8)
  const emulator = ctx.sandbox.instagram
  emulator.settings.accountCallsPerHour = 20
  // the account has used 15 of its 20 calls this hour: 75 %
  emulator.store.calls.set(ig.account.igUserId, Array(15).fill(ctx.sandbox.now()))
  ctx.sandbox.clearRequestLog()

  const [first] = await ctx.app.scheduler.drain()

  t.match(
    first,
    { kind: 'partial', videos: 4, reason: /usage at 95 %/ },
    'stopped at 95 % (4 calls: 80 → 95 %)',
  )
  const log = ctx.sandbox.requestLog()
  t.equal(insightsCalls(log), 4, 'no call after the stop')
  t.equal(log.filter((e) => e.errorCode === '80002').length, 0, 'Meta never had to throttle')
  t.ok((ctx.app.analytics.callStats.get('instagram:paced') ?? 0) >= 3, 'calls past 75 % were spaced')
  t.same(await ctx.app.scheduler.drain(), [], 'the account waits while the pause lasts')
  t.equal(insightsCalls(ctx.sandbox.requestLog()), 4, 'nothing was called while waiting')

  ctx.sandbox.advanceClock(61 * MINUTE_MS) // Meta's hourly window and our pause are over
  t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 8 }], 'resumed: every Reel measured')
  const rows = await ctx.app.pg<{ videoId: string }[]>`
    select distinct video_id as "videoId" from analytics.video_metrics_snapshots where connection_id = ${ig.connectionId}`
  t.equal(rows.length, reels.length, 'every Reel has its snapshot: nothing was dropped')
  const [acct] = await ctx.app.pg<{ n: number }[]>`
    select count(*)::int as n from analytics.account_stats_snapshots where connection_id = ${ig.connectionId}`
  t.ok(acct!.n >= 1, 'the account was measured once the sync resumed')
})

t.test('a throttled call (code 4, HTTP 429) is retried later and nothing is lost', async (t) => {
  const ctx = await build(t)
  const ig = await connectInstagram(t, ctx)
  await publishReels(t, ctx, ig, 3)
  ctx.sandbox.injectFault({ endpoint: 'ig.insights', kind: 'rate_limit' })

  t.match(await ctx.app.scheduler.drain(), [{ kind: 'partial', videos: 0, reason: /throttled/ }])
  t.equal(ctx.app.analytics.callStats.get('instagram:rate_limited'), 1)
  t.same(await ctx.app.scheduler.drain(), [], 'not retried before the backoff')
  ctx.sandbox.advanceClock(61_000) // INSTAGRAM_THROTTLE_BACKOFF_MS in tests: 60 s
  t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 3 }], 'retried: all three measured')
})

t.test("Meta's account throttle (code 80002) pauses the account until its regain estimate", async (t) => {
  const ctx = await build(t)
  const ig = await connectInstagram(t, ctx)
  await publishReels(t, ctx, ig, 2)
  const emulator = ctx.sandbox.instagram
  // 4 calls per hour, 5 already made: Meta throttles the first call of the sync
  emulator.settings.accountCallsPerHour = 4
  emulator.store.calls.set(ig.account.igUserId, Array(5).fill(ctx.sandbox.now()))
  ctx.sandbox.clearRequestLog()

  const [outcome] = await ctx.app.scheduler.drain()

  t.match(outcome, { kind: 'partial', videos: 0 })
  const retryAt = outcome?.kind === 'partial' ? outcome.retryAt.getTime() : 0
  t.ok(
    retryAt - ctx.sandbox.now() > 30 * MINUTE_MS,
    "paused for Meta's estimate (about an hour), not our 60 s",
  )
  t.equal(
    ctx.sandbox.requestLog().filter((e) => e.errorCode === '80002').length,
    1,
    'one throttled call, then none',
  )
  ctx.sandbox.advanceClock(61 * MINUTE_MS) // the window rolled on: 2 Reels + profile + reach = 4 calls fit
  t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 2 }])
})

t.test("one tenant never sees another tenant's Instagram account, posts or totals", async (t) => {
  const ctx = await build(t)
  const a = await connectInstagram(t, ctx, { tenantId: 'tenant-a', followersCount: 100 })
  const b = await connectInstagram(t, ctx, { tenantId: 'tenant-b', followersCount: 9000 })
  await publishReels(t, ctx, a, 1, { tenantId: 'tenant-a' })
  const [bReel] = await publishReels(t, ctx, b, 1, { tenantId: 'tenant-b' })
  await ctx.app.scheduler.drain()

  const headers = await asUser('tenant-a')
  const get = (url: string) => ctx.app.inject({ url, headers })
  t.equal((await get(`/analytics/connections/${b.connectionId}`)).statusCode, 404)
  t.equal((await get(`/analytics/posts/${bReel!.postId}`)).statusCode, 404)
  const summary = (await get('/analytics/summary')).json()
  t.equal(summary.connections.total, 1)
  t.equal(summary.followers, 100, "only tenant-a's followers")
  t.equal(summary.totals.videos, 1)
})

t.test('no Instagram access token reaches the logs, the stored errors or the events', async (t) => {
  const lines: string[] = []
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString())
      cb()
    },
  })
  // the retry is a minute away, so the failed sync is not retried within the same drain
  const ctx = await build(t, { logStream, overrides: { SYNC_RETRY_MS: 60_000 } })
  const ig = await connectInstagram(t, ctx)
  await publishReels(t, ctx, ig, 2)
  ctx.sandbox.injectFault({ endpoint: 'ig.insights', kind: 'internal_error' })

  t.match(await ctx.app.scheduler.drain(), [{ kind: 'failed', error: /InstagramGraphError/ }])
  const [failed] = await ctx.app.pg<{ v: string }[]>`
    select last_error as v from analytics.connections where id = ${ig.connectionId}`
  t.match(failed?.v, /Instagram error/, 'the failure is stored on the account')
  ctx.sandbox.advanceClock(61_000) // past SYNC_RETRY_MS
  t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 2 }])

  const logs = lines.join('')
  t.match(logs, /sync failed; will retry/, 'the failure was logged (the capture works)')
  const stored = [failed!, ...(await ctx.app.pg<{ v: string }[]>`select key as v from analytics.api_usage`)]
  const events = await readStream(ctx.namespace, { filter: 'social.>' })
  const places = { logs, stored: stored.map((r) => r.v).join('\n'), events: JSON.stringify(events) }
  const tokens = [...ctx.sandbox.instagram.store.tokens.keys()]
  t.ok(tokens.length > 0, 'the emulator issued tokens')
  for (const [place, text] of Object.entries(places)) {
    t.notOk(
      tokens.some((token) => text.includes(token)),
      `no access token in the ${place}`,
    )
  }
})
