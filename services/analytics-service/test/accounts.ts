/**
 * Accounts for analytics tests: sandbox users connected through the real auth-service, and waits
 * on what analytics stored about their connection.
 */
import { waitUntil } from '@social-bridge/service-kit/testing'
import type { SandboxUser, VideoView } from '@social-bridge/tiktok-sandbox'
import type { Test } from 'tap'
import { type BuildOptions, build, type TestContext } from './helper.js'

/** Waits (up to 10 s) until `analytics.connections` has the row with `column` set. */
const waitConnection = (ctx: TestContext, connectionId: string, column: 'open_id' | 'last_synced_at') =>
  waitUntil(async () => {
    const rows = await ctx.app.pg`
      select 1 from analytics.connections where id = ${connectionId} and ${ctx.app.pg(column)} is not null`
    return rows.length === 1
  })

/** Waits until our consumer tracked the connection (its `connected` event arrived). */
export const waitTracked = (ctx: TestContext, connectionId: string) =>
  waitConnection(ctx, connectionId, 'open_id')

/** Waits (up to 10 s) until the connection's first sync has been stored (`last_synced_at` set). */
export const waitSynced = (ctx: TestContext, connectionId: string) =>
  waitConnection(ctx, connectionId, 'last_synced_at')

/** Options of {@link connectTracked}: the accounts to add. */
export interface AccountOptions {
  /** Videos seeded on each account before it connects (default 0). */
  videos?: number
  /** Gap between those videos, virtual ms (default one minute); the newest is that long ago. */
  spacingMs?: number
  /** The tenant connecting them (default `tenant-a`). */
  tenantId?: string
}

/** A sandbox account connected through auth-service and tracked by analytics. */
export interface TrackedAccount {
  user: SandboxUser
  connectionId: string
  /** Its seeded videos, newest first. */
  videos: VideoView[]
}

/**
 * Adds `count` sandbox users with their seeded videos, connects each through auth-service, then
 * asserts on `t` (one `t.ok` per account) that analytics tracked every one.
 */
export async function connectTracked(
  t: Test,
  ctx: TestContext,
  count: number,
  opts: AccountOptions = {},
): Promise<TrackedAccount[]> {
  const accounts: TrackedAccount[] = []
  for (let i = 0; i < count; i++) {
    const user = ctx.sandbox.addUser()
    const videos = opts.videos
      ? ctx.sandbox.seedVideos(user.openId, opts.videos, { spacingMs: opts.spacingMs ?? 60_000 })
      : []
    accounts.push({ user, videos, connectionId: await ctx.connect(user.openId, opts.tenantId) })
  }
  for (const { connectionId } of accounts) {
    t.ok(await waitTracked(ctx, connectionId), 'the connected event tracked the account')
  }
  return accounts
}

/** {@link build}, then one account as {@link connectTracked} adds it: how most tests start. */
export async function buildTracked(
  t: Test,
  opts: BuildOptions & AccountOptions = {},
): Promise<TrackedAccount & { ctx: TestContext }> {
  const ctx = await build(t, opts)
  const [account] = await connectTracked(t, ctx, 1, opts)
  return { ctx, ...account! }
}
