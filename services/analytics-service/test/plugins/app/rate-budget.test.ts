import { fileURLToPath } from 'node:url'
import { createTestDatabase, runMigrations } from '@social-bridge/service-kit'
import postgres from 'postgres'
import t from 'tap'
import { createRateBudget } from '../../../src/plugins/app/rate-budget.js'
import { asUser, build, waitTracked, waitUntil } from '../../helper.js'

const migrationsFolder = fileURLToPath(new URL('../../../drizzle', import.meta.url))

t.test('two replicas sharing the budget never grant more than the limit within one window', async (t) => {
  const url = await createTestDatabase(t)
  await runMigrations({ connectionString: url, schema: 'analytics', migrationsFolder })
  const sql = postgres(url, { max: 4, onnotice: () => {} })
  t.teardown(() => sql.end())
  const opts = { sql, clientKey: 'ck', limit: 5, windowMs: 300, safetyMs: 0, backoffMs: 100 }
  const replicas = [createRateBudget(opts), createRateBudget(opts)]
  const inWindow: number[] = []
  let granted = 0
  await Promise.all(
    Array.from({ length: 16 }, async (_, i) => {
      await replicas[i % 2]!.acquire('video.query')
      granted++
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from analytics.api_calls
        where key = 'ck:video.query' and at > clock_timestamp() - interval '300 milliseconds'`
      inWindow.push(row!.n)
    }),
  )
  t.equal(granted, 16, 'every call was eventually granted')
  t.ok(
    Math.max(...inWindow) <= 5,
    `never more than 5 grants in the last 300 ms (max seen ${Math.max(...inWindow)})`,
  )
})

t.test(
  'with the sandbox limit lowered a large sync completes without a 429 storm and loses no account',
  async (t) => {
    const ctx = await build(t, {
      overrides: {
        TIKTOK_RATE_LIMIT: 6,
        TIKTOK_RATE_WINDOW_MS: 500,
        TIKTOK_RATE_SAFETY_MS: 100,
        SYNC_CONCURRENCY: 6,
      },
    })
    const accounts: string[] = []
    for (let i = 0; i < 6; i++) {
      const user = ctx.sandbox.addUser()
      ctx.sandbox.seedVideos(user.openId, 50, { spacingMs: 60_000 })
      accounts.push(await ctx.connect(user.openId))
    }
    for (const id of accounts) t.ok(await waitTracked(ctx, id))
    const limits = { limit: 6, key: 'app' as const }
    ctx.sandbox.updateSettings({
      rateLimitWindowMs: 500,
      rateLimits: { 'user.info': limits, 'video.list': limits, 'video.query': limits },
    })
    ctx.sandbox.resetRateLimits()
    ctx.sandbox.clearRequestLog()

    const synced = async () =>
      (await ctx.app.pg`select 1 from analytics.connections where last_synced_at is not null`).length
    t.ok(
      await waitUntil(async () => {
        await ctx.app.scheduler.drain()
        return (await synced()) === accounts.length
      }, 40_000),
      'every account was synced',
    )
    const log = ctx.sandbox.requestLog()
    const throttled = log.filter((e) => e.status === 429).length
    t.ok(throttled <= 2, `no 429 storm (${throttled} of ${log.length} calls throttled)`)
    t.equal(
      log.filter((e) => e.endpoint === 'video.query' && e.status === 200).length,
      18,
      '3 queries per account',
    )
    const [snapshots] = await ctx.app.pg<
      { n: number }[]
    >`select count(*)::int as n from analytics.video_metrics_snapshots`
    t.equal(snapshots?.n, 300, 'every video measured once')
    const summary = await ctx.app.inject({ url: '/analytics/summary', headers: await asUser('tenant-a') })
    t.match(summary.json(), { connections: { total: 6, active: 6, stale: 0 }, totals: { videos: 300 } })
  },
)

t.test('a 429 from TikTok keeps what was measured and finishes the account after the backoff', async (t) => {
  const ctx = await build(t, { overrides: { TIKTOK_RATE_LIMIT_BACKOFF_MS: 300 } })
  const user = ctx.sandbox.addUser()
  ctx.sandbox.seedVideos(user.openId, 45, { spacingMs: 60_000 })
  const connectionId = await ctx.connect(user.openId)
  t.ok(await waitTracked(ctx, connectionId))
  ctx.sandbox.clearRequestLog()
  ctx.sandbox.injectFault({ endpoint: 'user.info', kind: 'rate_limit', count: 1 })

  const outcomes = await ctx.app.scheduler.drain()

  t.match(
    outcomes,
    [{ kind: 'partial', snapshots: 45 }],
    'the sync stopped at the 429 after the video queries',
  )
  const count = async (table: 'video_metrics_snapshots' | 'account_stats_snapshots') =>
    (
      await ctx.app.pg<{ n: number }[]>`select count(*)::int as n from ${ctx.app.pg(`analytics.${table}`)}`
    )[0]!.n
  t.equal(await count('video_metrics_snapshots'), 45, 'the videos measured before the 429 are kept')
  t.equal(await count('account_stats_snapshots'), 0)
  t.ok(
    await waitUntil(async () => {
      await ctx.app.scheduler.drain()
      return (await count('account_stats_snapshots')) === 1
    }, 10_000),
    'the account stats were read after the backoff',
  )
  const log = ctx.sandbox.requestLog()
  t.equal(log.filter((e) => e.status === 429).length, 1, 'a single 429')
  t.equal(
    log.filter((e) => e.endpoint === 'video.query').length,
    3,
    'videos already measured were not queried again',
  )
  t.equal(await count('video_metrics_snapshots'), 45)
})
