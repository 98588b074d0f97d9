import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildTracked } from '../../accounts.js'
import { asUser } from '../../helper.js'

t.test('analytics routes act only for admin and social_marketing users of the same tenant', async (t) => {
  const { ctx, connectionId } = await buildTracked(t)
  const url = `/analytics/connections/${connectionId}`
  t.equal((await ctx.app.inject({ url })).statusCode, 401, 'no internal token')
  t.equal((await ctx.app.inject({ url, headers: await asUser('tenant-a', ['sales']) })).statusCode, 403)
  t.equal((await ctx.app.inject({ url, headers: await asUser('tenant-a', ['admin']) })).statusCode, 200)
  t.equal((await ctx.app.inject({ url, headers: await asUser('tenant-b', ['admin']) })).statusCode, 404)
  const post = await ctx.app.inject({
    url: `/analytics/posts/${randomUUID()}`,
    headers: await asUser('tenant-a'),
  })
  t.equal(post.statusCode, 404)
  t.equal(
    (await ctx.app.inject({ url: '/analytics/posts/not-a-uuid', headers: await asUser('tenant-a') }))
      .statusCode,
    400,
  )
})

t.test('the history honours the requested range and the summary sums the tenant', async (t) => {
  const { ctx, connectionId } = await buildTracked(t, { videos: 4 })
  const times: string[] = []
  for (let i = 0; i < 3; i++) {
    const [outcome] = await ctx.app.scheduler.drain()
    if (outcome?.kind === 'synced') times.push(outcome.measuredAt.toISOString())
    ctx.sandbox.advanceClock(61 * 60_000)
  }
  t.equal(times.length, 3)
  const headers = await asUser('tenant-a')
  const ranged = (
    await ctx.app.inject({
      url: `/analytics/connections/${connectionId}?from=${times[1]}&to=${times[2]}`,
      headers,
    })
  ).json()
  t.same(
    ranged.history.map((h: { measuredAt: string }) => h.measuredAt),
    [times[1], times[2]],
    'only the snapshots inside the range',
  )
  const bad = await ctx.app.inject({
    url: `/analytics/connections/${connectionId}?from=${times[2]}&to=${times[0]}`,
    headers,
  })
  t.equal(bad.statusCode, 400)

  const summary = (await ctx.app.inject({ url: '/analytics/summary', headers })).json()
  t.match(summary, { connections: { total: 1, active: 1, stale: 0 }, totals: { videos: 4 } })
  t.ok(summary.totals.views > 0 && summary.delta.views > 0, 'views and their growth over the range')
  const rate = (summary.totals.likes + summary.totals.comments + summary.totals.shares) / summary.totals.views
  t.equal(summary.engagementRate, rate, 'engagement rate = (likes + comments + shares) / views')
  const empty = (
    await ctx.app.inject({ url: '/analytics/summary', headers: await asUser('tenant-z') })
  ).json()
  t.match(empty, { connections: { total: 0 }, totals: { videos: 0, views: 0 }, engagementRate: null })
})

t.test(
  'a request reads one snapshot of the data, and without `to` its history ends at the latest point',
  async (t) => {
    const { ctx, connectionId } = await buildTracked(t)
    const store = (at: Date, followers: number) => ctx.app.pg`
    insert into analytics.account_stats_snapshots
      (connection_id, tenant_id, measured_at, followers, following, likes, video_count)
    values (${connectionId}, 'tenant-a', ${at}, ${followers}, 1, 1, 1)`
    // A sync that stores while a request runs has measured after the request's now (so has one on a
    // replica whose clock is ahead).
    const later = new Date(ctx.sandbox.now() + 60_000)
    await store(later, 4242)
    const url = `/analytics/connections/${connectionId}`
    const headers = await asUser('tenant-a')
    const open = (await ctx.app.inject({ url, headers })).json()
    t.equal(open.latest.measuredAt, later.toISOString())
    t.equal(open.history.at(-1)?.measuredAt, later.toISOString(), 'the history ends at the latest point')
    const to = new Date(ctx.sandbox.now()).toISOString()
    const bounded = (await ctx.app.inject({ url: `${url}?to=${to}`, headers })).json()
    t.notOk(
      bounded.history.some((h: { measuredAt: string }) => h.measuredAt === later.toISOString()),
      'an explicit to still bounds the history',
    )

    const { readModel } = ctx.app.analytics
    const newer = new Date(later.getTime() + 60_000)
    const [first, second] = await readModel.snapshot(async (reads) => {
      const before = await reads.accountLatest(connectionId)
      await store(newer, 4343) // committed on another connection between the two reads
      return [before, await reads.accountLatest(connectionId)]
    })
    t.equal(first?.followers, 4242)
    t.same(second, first, 'the second read of the snapshot does not see the commit')
    t.equal((await readModel.accountLatest(connectionId))?.followers, 4343, 'a read after it does')
  },
)
