import t from 'tap'
import { connectTracked } from '../accounts.js'
import { build, startAnalytics, waitUntil } from '../helper.js'

t.test('two replicas draining together sync each due account exactly once', async (t) => {
  const ctx = await build(t)
  await connectTracked(t, ctx, 6, { videos: 25 })
  const replica = await startAnalytics(t, { ...ctx.config, SYNC_CONCURRENCY: 2 }, ctx.sandbox)
  ctx.sandbox.clearRequestLog()

  const [a, b] = await Promise.all([ctx.app.scheduler.drain(), replica.scheduler.drain()])

  t.equal(a.length + b.length, 6, `six syncs in all (${a.length} + ${b.length})`)
  t.equal(
    ctx.sandbox.requestLog().filter((e) => e.endpoint === 'video.query').length,
    12,
    '2 query calls per account, none twice',
  )
  const [row] = await ctx.app.pg<{ n: number; series: number }[]>`
    select count(*)::int as n, count(distinct (connection_id, video_id))::int as series
    from analytics.video_metrics_snapshots`
  t.same(row, { n: 150, series: 150 }, 'one snapshot per video')
})

t.test('social_bridge_analytics_syncs_in_progress counts the syncs a replica runs now', async (t) => {
  const ctx = await build(t)
  await connectTracked(t, ctx, 2, { videos: 1 })
  const gauge = async () => {
    const text = (await ctx.app.inject({ method: 'GET', url: '/metrics' })).body
    const line = text.split('\n').find((l) => /^social_bridge_analytics_syncs_in_progress[ {]/.test(l))
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  t.equal(await gauge(), 0, 'none before a drain')
  // user.info, a sync's last call, is held 1 s: both syncs are in progress meanwhile
  ctx.sandbox.injectFault({ endpoint: 'user.info', kind: 'timeout', holdMs: 1000, count: 2 })
  const drained = ctx.app.scheduler.drain()
  t.ok(
    await waitUntil(async () => (await gauge()) === 2, 5000, 20),
    'both leased syncs counted while they run',
  )
  await drained
  t.equal(await gauge(), 0, 'none once they ended')
})
