import { fileURLToPath } from 'node:url'
import { runMigrations } from '@social-bridge/service-kit'
import { createTestDatabase } from '@social-bridge/service-kit/testing'
import postgres from 'postgres'
import t, { type Test } from 'tap'
import { createRateBudget, RateBudgetExhaustedError } from '../../src/domain/rate-budget.js'
import type { SyncOutcome } from '../../src/domain/sync/sync-service.js'
import { buildTracked, connectTracked } from '../accounts.js'
import { asUser, build, waitUntil } from '../helper.js'

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url))

async function budgetDatabase(t: Test) {
  const url = await createTestDatabase(t)
  await runMigrations({ connectionString: url, schema: 'analytics', migrationsFolder })
  const sql = postgres(url, { max: 4, onnotice: () => {} })
  t.teardown(() => sql.end())
  return sql
}

/** A window far longer than the test and no waiting: what was granted is what the window holds. */
const NO_WAIT = { clientKey: 'ck', windowMs: 600_000, safetyMs: 0, backoffMs: 100, maxWaitMs: 0 }

t.test('two replicas sharing the budget never grant more than the limit within one window', async (t) => {
  const sql = await budgetDatabase(t)
  const replicas = [
    createRateBudget({ sql, ...NO_WAIT, limit: 5 }),
    createRateBudget({ sql, ...NO_WAIT, limit: 5 }),
  ]

  const results = await Promise.allSettled(
    Array.from({ length: 16 }, (_, i) => replicas[i % 2]!.acquire('video.query')),
  )

  const granted = results.filter((r) => r.status === 'fulfilled').length
  const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
  t.equal(granted, 5, 'exactly the limit was granted')
  t.equal(refused.length, 11)
  t.ok(
    refused.every((e) => e instanceof RateBudgetExhaustedError && e.retryAfterMs > 0),
    'the others were told to come back later',
  )
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from analytics.api_calls where key = 'ck:video.query'`
  t.equal(row?.n, 5, 'the shared window holds 5 calls')
})

t.test('a call is granted again once the oldest call has left the window', async (t) => {
  const sql = await budgetDatabase(t)
  const budget = createRateBudget({ sql, ...NO_WAIT, limit: 2 })
  t.equal(await budget.acquire('user.info', 2), 2)
  await t.rejects(budget.acquire('user.info'), RateBudgetExhaustedError, 'the window is full')
  // slide the window instead of waiting: the oldest call happened before it
  await sql`
    update analytics.api_calls set at = at - interval '601 seconds'
    where id = (select min(id) from analytics.api_calls where key = 'ck:user.info')`

  t.equal(await budget.acquire('user.info'), 1, 'one slot freed')
  await t.rejects(budget.acquire('user.info'), RateBudgetExhaustedError, 'and only one')
  const rows = await sql<{ n: number }[]>`
    select count(*)::int as n from analytics.api_calls where key = 'ck:user.info'`
  t.equal(rows[0]?.n, 2, 'the call that left the window was pruned')
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
    const accounts = await connectTracked(t, ctx, 6, { videos: 50 })
    const limits = { limit: 6, key: 'app' as const }
    ctx.sandbox.updateSettings({
      rateLimitWindowMs: 500,
      rateLimits: { 'user.info': limits, 'video.list': limits, 'video.query': limits },
    })
    ctx.sandbox.resetRateLimits()
    ctx.sandbox.clearRequestLog()

    const synced = async () =>
      (await ctx.app.pg`select 1 from analytics.connections where last_synced_at is not null`).length
    const outcomes: SyncOutcome[] = []
    t.ok(
      await waitUntil(async () => {
        outcomes.push(...(await ctx.app.scheduler.drain()))
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
    const [snapshots] = await ctx.app.pg<{ n: number; series: number }[]>`
      select count(*)::int as n, count(distinct (connection_id, video_id))::int as series
      from analytics.video_metrics_snapshots`
    t.equal(snapshots?.series, 300, 'every video measured')
    // a sync cut short by the limit is finished later with its last batch topped up (≤ 19 ids
    // already measured, since the call costs the same); nothing else is measured twice
    const partial = outcomes.filter((o) => o.kind === 'partial').length
    t.ok(
      snapshots!.n - 300 <= 19 * partial,
      `re-measured only to fill a batch (${snapshots!.n - 300} extra, ${partial} partial syncs)`,
    )
    const summary = await ctx.app.inject({ url: '/analytics/summary', headers: await asUser('tenant-a') })
    t.match(summary.json(), { connections: { total: 6, active: 6, stale: 0 }, totals: { videos: 300 } })
  },
)

t.test('a 429 from TikTok keeps what was measured and finishes the account after the backoff', async (t) => {
  // The retry is due one backoff after the 429; 2 s keeps it out of the first drain even on a
  // loaded machine (drain goes on while anything is due, so 300 ms once let it run twice).
  const { ctx } = await buildTracked(t, { overrides: { TIKTOK_RATE_LIMIT_BACKOFF_MS: 2000 }, videos: 45 })
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
    }, 15_000),
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
