import { createFastifyOptions } from '@social-bridge/service-kit'
import Fastify from 'fastify'
import t from 'tap'
import app from '../../src/app.js'
import { build, waitTracked } from '../helper.js'

t.test('two replicas draining together sync each due account exactly once', async (t) => {
  const ctx = await build(t)
  const accounts: string[] = []
  for (let i = 0; i < 6; i++) {
    const user = ctx.sandbox.addUser()
    ctx.sandbox.seedVideos(user.openId, 25, { spacingMs: 60_000 })
    accounts.push(await ctx.connect(user.openId))
  }
  for (const id of accounts) t.ok(await waitTracked(ctx, id))
  const replica = Fastify(createFastifyOptions({ service: 'analytics-service', logLevel: 'silent' }))
  await replica.register(app, {
    config: { ...ctx.config, SYNC_CONCURRENCY: 2 },
    clock: () => new Date(ctx.sandbox.now()),
  })
  t.teardown(() => replica.close())
  await replica.ready()
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
