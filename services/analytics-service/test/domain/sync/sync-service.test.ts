import { EventEnvelope, MetricsSyncedV1 } from '@social-bridge/contracts'
import { readStream } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { Value } from 'typebox/value'
import { buildTracked } from '../../accounts.js'
import { asUser } from '../../helper.js'

const DAY_MS = 86_400_000

const countCalls = (log: { endpoint: string; status: number }[], endpoint: string) =>
  log.filter((e) => e.endpoint === endpoint && e.status === 200).length

t.test(
  'an account with 45 videos is synced with exactly 3 video query calls and 1 user info call',
  async (t) => {
    const { ctx, connectionId } = await buildTracked(t, { videos: 45 })
    ctx.sandbox.clearRequestLog()

    const outcomes = await ctx.app.scheduler.drain()

    t.match(outcomes, [{ kind: 'synced', videos: 45, apiCalls: 4 }])
    const log = ctx.sandbox.requestLog()
    t.equal(countCalls(log, 'video.query'), 3, '45 ids in batches of 20')
    t.equal(countCalls(log, 'user.info'), 1)
    t.equal(countCalls(log, 'video.list'), 3, 'the import pages 20 at a time')
    const [row] = await ctx.app.pg<{ n: number }[]>`
    select count(*)::int as n from analytics.video_metrics_snapshots where connection_id = ${connectionId}`
    t.equal(row?.n, 45, 'one snapshot per video')
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/analytics/connections/${connectionId}`,
      headers: await asUser('tenant-a'),
    })
    t.equal(res.statusCode, 200)
    t.equal(res.json().totals.videos, 45)
    t.equal(res.json().history.length, 1)
  },
)

t.test('metrics grow over time and the history shows each snapshot', async (t) => {
  const { ctx, connectionId, videos } = await buildTracked(t, { videos: 3 })
  const [video] = videos
  await ctx.app.scheduler.drain()
  ctx.sandbox.clearRequestLog()
  for (let i = 0; i < 2; i++) {
    ctx.sandbox.advanceClock(61 * 60_000) // past the first day's 15-minute cadence and the hourly account sync
    const outcomes = await ctx.app.scheduler.drain()
    t.match(outcomes, [{ kind: 'synced', videos: 3 }], `sync ${i + 2} ran when due`)
  }
  t.equal(
    countCalls(ctx.sandbox.requestLog(), 'video.list'),
    0,
    'videos are not listed again within the relist interval',
  )

  const headers = await asUser('tenant-a')
  const account = (await ctx.app.inject({ url: `/analytics/connections/${connectionId}`, headers })).json()
  t.equal(account.history.length, 3, 'three account snapshots')
  const followers = account.history.map((h: { followers: number }) => h.followers)
  t.ok(followers[2] > followers[0], `followers grew: ${followers.join(' → ')}`)
  t.equal(account.delta.followers, followers[2] - followers[0])

  const series = await ctx.app.pg<{ views: string; measuredAt: Date }[]>`
    select views, measured_at as "measuredAt" from analytics.video_metrics_snapshots
    where video_id = ${video!.id} order by measured_at`
  t.equal(series.length, 3, 'three snapshots of the video, none overwritten')
  t.ok(Number(series[2]!.views) > Number(series[0]!.views), 'views grew')
})

t.test('a sync emits social.metrics.synced with the account, the measuring time and its calls', async (t) => {
  const { ctx, connectionId } = await buildTracked(t, { videos: 25 })

  const [outcome] = await ctx.app.scheduler.drain()

  t.match(outcome, { kind: 'synced' })
  const measuredAt = outcome?.kind === 'synced' ? outcome.measuredAt.toISOString() : ''
  const events = await readStream(ctx.namespace, { filter: 'social.metrics.synced' })
  t.equal(events.length, 1, 'one event for the sync')
  const [event] = events
  t.equal(event?.subject, 'social.metrics.synced')
  t.ok(Value.Check(EventEnvelope(MetricsSyncedV1), event?.envelope), 'valid against the contract')
  t.match(event?.envelope, {
    type: 'social.metrics.synced',
    tenantId: 'tenant-a',
    occurredAt: measuredAt,
    data: { connectionId, measuredAt, videoCount: 25, apiCalls: 3 },
  })
  const [outbox] = await ctx.app.pg<{ n: number }[]>`select count(*)::int as n from analytics.outbox`
  t.equal(outbox?.n, 0, 'the outbox row is gone once published')
})

t.test("a video is no longer synced once it is older than the cadence's 90 days", async (t) => {
  // SYNC_CADENCE 1d=15m,7d=1h,90d=1d
  const { ctx, videos } = await buildTracked(t, { videos: 1, spacingMs: 89.5 * DAY_MS })
  const [video] = videos
  t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 1 }], 'synced at 89.5 days')
  ctx.sandbox.advanceClock(DAY_MS)
  t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 1 }], 'synced daily: at 90.5 days')

  ctx.sandbox.advanceClock(DAY_MS)
  ctx.sandbox.clearRequestLog()
  t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 0 }], 'the account is still synced')

  const log = ctx.sandbox.requestLog()
  t.equal(countCalls(log, 'video.query'), 0, 'the video is not queried any more')
  t.equal(countCalls(log, 'user.info'), 1)
  const [row] = await ctx.app.pg<{ snapshots: number; next: Date | null }[]>`
    select (select count(*)::int from analytics.video_metrics_snapshots where video_id = ${video!.id}) as snapshots,
      (select next_sync_at from analytics.videos where video_id = ${video!.id}) as next`
  t.same(row, { snapshots: 2, next: null }, 'two snapshots, then tracking stopped')
})
