import { DEFAULT_RATE_LIMITS } from '@social-bridge/tiktok-sandbox'
import t from 'tap'
import { buildTracked } from '../../accounts.js'

const listCalls = (log: { endpoint: string; status: number }[]) =>
  log.filter((e) => e.endpoint === 'video.list' && e.status === 200).length

t.test('an import stopped by the rate limit resumes at its saved cursor on the next sync', async (t) => {
  const { ctx, connectionId, videos } = await buildTracked(t, {
    overrides: { TIKTOK_RATE_LIMIT_BACKOFF_MS: 200 },
    videos: 45,
  })
  // TikTok admits one video list call per minute: the import stops after its first page of 20
  ctx.sandbox.updateSettings({
    rateLimits: { ...DEFAULT_RATE_LIMITS, 'video.list': { limit: 1, key: 'app' } },
  })
  ctx.sandbox.resetRateLimits()

  t.match(await ctx.app.scheduler.drain(), [{ kind: 'failed', error: /TikTokRateLimitedError/ }])
  const progress = async () =>
    (
      await ctx.app.pg<{ cursor: string | null; listedAt: Date | null; tracked: number }[]>`
        select videos_list_cursor as cursor, videos_listed_at as "listedAt",
          (select count(*)::int from analytics.videos where connection_id = c.id) as tracked
        from analytics.connections c where id = ${connectionId}`
    )[0]!
  t.same(
    await progress(),
    { cursor: String(videos[19]!.createTimeMs), listedAt: null, tracked: 20 },
    'the first page is tracked and the cursor of the next one saved',
  )

  ctx.sandbox.updateSettings({ rateLimits: DEFAULT_RATE_LIMITS })
  ctx.sandbox.advanceClock(1000) // past the backoff (app clock)
  ctx.sandbox.clearRequestLog()
  t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 45 }])

  t.equal(listCalls(ctx.sandbox.requestLog()), 2, 'only the two remaining pages were listed')
  const done = await progress()
  t.same(
    { cursor: done.cursor, tracked: done.tracked },
    { cursor: null, tracked: 45 },
    'the import completed',
  )
  t.ok(done.listedAt, 'and its time is saved')
})

t.test('a re-list picks up videos posted on the account outside Social Bridge', async (t) => {
  const { ctx, user, connectionId } = await buildTracked(t, { videos: 3 })
  t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 3 }])

  ctx.sandbox.advanceClock(ctx.config.VIDEO_RELIST_INTERVAL_MS)
  // posted in the TikTok app, not through us: no event tells analytics about them
  const posted = ctx.sandbox.seedVideos(user.openId, 2, { spacingMs: 60_000 })
  ctx.sandbox.clearRequestLog()
  t.match(await ctx.app.scheduler.drain(), [{ kind: 'synced', videos: 5 }])

  t.equal(listCalls(ctx.sandbox.requestLog()), 1, 'one page: it reaches known videos')
  const rows = await ctx.app.pg<{ videoId: string; snapshots: number }[]>`
    select v.video_id as "videoId", count(s.id)::int as snapshots
    from analytics.videos v left join analytics.video_metrics_snapshots s using (connection_id, video_id)
    where v.connection_id = ${connectionId} and v.video_id = any(${posted.map((v) => v.id)}::text[])
    group by v.video_id order by v.video_id`
  t.same(
    rows,
    posted.map((v) => ({ videoId: v.id, snapshots: 1 })).sort((a, b) => a.videoId.localeCompare(b.videoId)),
    'the new videos are tracked and measured',
  )
})
