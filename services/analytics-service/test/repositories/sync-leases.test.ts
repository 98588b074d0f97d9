import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import type { SyncOutcome } from '../../src/domain/sync/sync-service.js'
import { buildTracked } from '../accounts.js'
import { startAnalytics, type TestContext, waitUntil } from '../helper.js'

/**
 * A budget of 1 call per 2.5 s per endpoint makes a 25-video sync wait ≥ 5 s for room (2 list
 * pages, 2 query batches): longer than the 2 s lease, so only the heartbeat keeps it.
 */
const SLOW_SYNC = {
  TIKTOK_RATE_LIMIT: 1,
  TIKTOK_RATE_WINDOW_MS: 2500,
  TIKTOK_RATE_SAFETY_MS: 0,
  SYNC_LEASE_MS: 2000,
}

async function slowAccount(t: Test) {
  const { ctx, connectionId } = await buildTracked(t, { overrides: SLOW_SYNC, videos: 25 })
  ctx.sandbox.clearRequestLog()
  return { ctx, connectionId }
}

const countRows = async (ctx: TestContext, table: 'video_metrics_snapshots' | 'account_stats_snapshots') =>
  (await ctx.app.pg<{ n: number }[]>`select count(*)::int as n from ${ctx.app.pg(`analytics.${table}`)}`)[0]!
    .n

t.test(
  'a sync that outlasts its lease keeps the account: another replica does not sync it too',
  async (t) => {
    const { ctx } = await slowAccount(t)
    const replica = await startAnalytics(t, ctx.config, ctx.sandbox)

    let done = false
    const first = ctx.app.scheduler.drain().finally(() => {
      done = true
    })
    const byReplica: SyncOutcome[] = []
    while (!done) {
      byReplica.push(...(await replica.scheduler.drain()))
      await sleep(50)
    }

    t.match(await first, [{ kind: 'synced', videos: 25 }], 'the first replica finished its sync')
    t.same(byReplica, [], 'the second replica never leased the account')
    const log = ctx.sandbox.requestLog()
    t.equal(log.filter((e) => e.endpoint === 'video.query').length, 2, 'the videos were queried once')
    t.equal(log.filter((e) => e.endpoint === 'video.list').length, 2, 'the videos were listed once')
    t.equal(await countRows(ctx, 'video_metrics_snapshots'), 25, 'one snapshot per video')
    t.equal(await countRows(ctx, 'account_stats_snapshots'), 1)
  },
)

t.test('a sync whose lease was taken over stops calling TikTok and stores nothing', async (t) => {
  const { ctx, connectionId } = await slowAccount(t)
  const sync = ctx.app.scheduler.drain()
  t.ok(
    await waitUntil(() => ctx.sandbox.requestLog().some((e) => e.endpoint === 'video.list')),
    'the sync started importing',
  )
  const otherToken = randomUUID()
  // what another replica's lease looks like once it took the account over after an expiry
  await ctx.app.pg`
    update analytics.connections set lease_owner = ${otherToken}, lease_until = now() + interval '1 minute'
    where id = ${connectionId}`

  t.same(await sync, [{ kind: 'lease_lost' }])
  t.notOk(
    ctx.sandbox.requestLog().some((e) => e.endpoint === 'user.info'),
    'the sync stopped before its last TikTok call',
  )
  t.equal(await countRows(ctx, 'video_metrics_snapshots'), 0, 'no snapshot stored')
  t.equal(await countRows(ctx, 'account_stats_snapshots'), 0)
  const [row] = await ctx.app.pg<{ leaseOwner: string; lastSyncedAt: Date | null }[]>`
    select lease_owner as "leaseOwner", last_synced_at as "lastSyncedAt" from analytics.connections
    where id = ${connectionId}`
  t.same(row, { leaseOwner: otherToken, lastSyncedAt: null }, "the new owner's lease is untouched")
})

t.test('finishing a sync with a lease token that no longer holds the account writes nothing', async (t) => {
  const { ctx, connectionId } = await buildTracked(t)
  const { leases, clock } = ctx.app.analytics
  const [mine] = await leases.leaseDue(clock(), 1, 60_000)
  t.equal(mine?.id, connectionId)
  await ctx.app
    .pg`update analytics.connections set lease_until = now() - interval '1 second' where id = ${connectionId}`
  const [theirs] = await leases.leaseDue(clock(), 1, 60_000)
  t.equal(theirs?.id, connectionId, 'another replica leased the expired account')

  const input = { id: connectionId, startedAt: clock(), syncedAt: clock(), nextSyncAt: clock() }
  t.equal(
    await ctx.app.pg.begin((tx) => leases.finish(tx, { ...input, leaseToken: mine!.leaseToken })),
    false,
  )
  t.equal(await leases.renew(connectionId, mine!.leaseToken, 60_000), false, 'the old token cannot renew')
  t.equal(
    await leases.fail({ id: connectionId, leaseToken: mine!.leaseToken, retryAt: clock(), error: 'x' }),
    false,
  )
  const [row] = await ctx.app.pg<{ leaseOwner: string; lastSyncedAt: Date | null; syncFailures: number }[]>`
    select lease_owner as "leaseOwner", last_synced_at as "lastSyncedAt", sync_failures as "syncFailures"
    from analytics.connections where id = ${connectionId}`
  t.same(row, { leaseOwner: theirs!.leaseToken, lastSyncedAt: null, syncFailures: 0 })
  t.equal(
    await ctx.app.pg.begin((tx) => leases.finish(tx, { ...input, leaseToken: theirs!.leaseToken })),
    true,
  )
})
