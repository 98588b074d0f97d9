/**
 * Benchmark of analytics-service's sync (issue 7): N accounts × M videos in the TikTok sandbox,
 * connected through the REAL auth-service OAuth flow (authorize → sandbox consent → callback,
 * in-process), then one full sync of every account by the scheduler.
 *
 * Prints: TikTok calls made vs the minimum possible (ceil(videos/20) + 1 per account: video
 * query batches + user info; the one-time video list import is reported beside it), wall time vs
 * the time TikTok's 600/min budget would allow, and snapshot rows written per second.
 *
 * The raw run raises both the sandbox's limits and our budget (BENCH_RATE_LIMIT per
 * BENCH_RATE_WINDOW_MS) so it finishes quickly; the budget-implied time is computed from the
 * calls made. Sizes by env: BENCH_ACCOUNTS (500), BENCH_VIDEOS (100), BENCH_CONCURRENCY (32).
 *
 *   pnpm exec tsx bench/analytics-sync.ts
 *   BENCH_ACCOUNTS=50 BENCH_VIDEOS=45 pnpm exec tsx bench/analytics-sync.ts   # quick run
 */
import { build, connectThroughAuth, waitUntil } from '../services/analytics-service/test/helper.js'

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 500)
const VIDEOS = Number(process.env.BENCH_VIDEOS ?? 100)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32)
const RATE_LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 1_000_000)
const RATE_WINDOW_MS = Number(process.env.BENCH_RATE_WINDOW_MS ?? 60_000)
const TIKTOK_LIMIT_PER_MIN = 600

const teardowns: (() => unknown)[] = []
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) }

async function pool<T>(items: T[], n: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        await fn(items[i]!, i)
      }
    }),
  )
}

const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d })

async function main() {
  const limits = { limit: RATE_LIMIT, key: 'app' as const }
  const ctx = await build(t, {
    overrides: {
      TIKTOK_RATE_LIMIT: RATE_LIMIT,
      TIKTOK_RATE_WINDOW_MS: RATE_WINDOW_MS,
      SYNC_CONCURRENCY: CONCURRENCY,
      DB_POOL_SIZE: Math.max(10, CONCURRENCY),
    },
    sandboxSettings: {
      rateLimitWindowMs: RATE_WINDOW_MS,
      rateLimits: { 'user.info': limits, 'video.list': limits, 'video.query': limits },
    },
  })
  console.log(`setup: ${ACCOUNTS} accounts × ${VIDEOS} videos, connected through auth-service's OAuth flow…`)
  const setupStart = performance.now()
  const users = Array.from({ length: ACCOUNTS }, () => ctx.sandbox.addUser())
  for (const u of users) ctx.sandbox.seedVideos(u.openId, VIDEOS, { spacingMs: 60_000 })
  await pool(users, 16, async (u, i) => {
    await connectThroughAuth(ctx.auth, ctx.sandbox, u.openId, `tenant-${i % 10}`)
  })
  const tracked = async () =>
    (
      await ctx.app.pg<
        { n: number }[]
      >`select count(*)::int as n from analytics.connections where open_id is not null`
    )[0]!.n
  if (!(await waitUntil(async () => (await tracked()) === ACCOUNTS, 120_000)))
    throw new Error('accounts not tracked')
  console.log(`setup done in ${fmt((performance.now() - setupStart) / 1000)} s`)

  ctx.sandbox.clearRequestLog()
  ctx.sandbox.resetRateLimits()
  const start = performance.now()
  const outcomes = []
  for (;;) {
    const batch = await ctx.app.scheduler.drain()
    outcomes.push(...batch)
    if (batch.length === 0) break
  }
  const wallMs = performance.now() - start

  const log = ctx.sandbox.requestLog()
  const calls = (endpoint: string) => log.filter((e) => e.endpoint === endpoint).length
  const query = calls('video.query')
  const info = calls('user.info')
  const list = calls('video.list')
  const throttled = log.filter((e) => e.status === 429).length
  const synced = outcomes.filter((o) => o.kind === 'synced').length
  const [rows] = await ctx.app.pg<{ video: number; account: number }[]>`
    select (select count(*) from analytics.video_metrics_snapshots)::int as video,
           (select count(*) from analytics.account_stats_snapshots)::int as account`
  const minimum = ACCOUNTS * (Math.ceil(VIDEOS / 20) + 1)
  const minimumList = ACCOUNTS * Math.max(1, Math.ceil(VIDEOS / 20))
  // each endpoint has its own sliding 600-per-60 s window: call i+600 comes ≥ 60 s after call i,
  // so n calls need ≥ floor((n − 1) / 600) × 60 s; the slowest endpoint bounds the run
  const budgetSec = (n: number) => (n <= 0 ? 0 : Math.floor((n - 1) / TIKTOK_LIMIT_PER_MIN) * 60)
  const steady = Math.max(budgetSec(query), budgetSec(info))
  const withImport = Math.max(steady, budgetSec(list))
  const snapshotRows = rows!.video + rows!.account

  console.log('')
  console.log(
    `accounts synced:        ${synced} / ${ACCOUNTS} (${outcomes.length - synced} other outcomes), 429s: ${throttled}`,
  )
  console.log(
    `TikTok calls (sync):    ${fmt(query + info)} = ${fmt(query)} video query + ${fmt(info)} user info`,
  )
  console.log(
    `minimum possible:       ${fmt(minimum)} = ${ACCOUNTS} × (ceil(${VIDEOS}/20) + 1)  → ratio ${fmt((query + info) / minimum, 3)}`,
  )
  console.log(
    `one-time import:        ${fmt(list)} video list calls (minimum ${fmt(minimumList)}: pages of 20)`,
  )
  console.log(
    `wall time (raw):        ${fmt(wallMs / 1000, 2)} s with the budget raised to ${fmt(RATE_LIMIT)}/${RATE_WINDOW_MS} ms`,
  )
  console.log(
    `600/min budget allows:  ≥ ${fmt(steady)} s for the sync calls, ≥ ${fmt(withImport)} s including the import`,
  )
  console.log(
    `                        (per endpoint: query ${fmt(budgetSec(query))} s, user info ${fmt(budgetSec(info))} s, list ${fmt(budgetSec(list))} s)`,
  )
  console.log(
    `snapshot rows written:  ${fmt(snapshotRows)} (${fmt(rows!.video)} video + ${fmt(rows!.account)} account) → ${fmt(snapshotRows / (wallMs / 1000), 0)} rows/s`,
  )
}

try {
  await main()
} finally {
  for (const fn of teardowns.reverse()) await fn()
}
