import t from 'tap'
import { connectTracked } from '../accounts.js'
import { build, startAnalytics } from '../helper.js'

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
