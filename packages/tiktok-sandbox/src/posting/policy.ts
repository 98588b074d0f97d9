import type { SandboxContext } from '../context.js'
import type { PrivacyLevel } from '../state/posts.js'
import type { SandboxUser } from '../state/users.js'

const DAY_MS = 24 * 3600_000

/** `privacy_level_options` of creator_info (docs/tiktok-api.md §3.1): private accounts lack PUBLIC_TO_EVERYONE. */
export function privacyOptions(user: SandboxUser): PrivacyLevel[] {
  return user.private
    ? ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']
    : ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']
}

/** Direct posts by this creator in the last 24 h (virtual clock), failed ones excluded (docs/tiktok-api.md §3.10). */
export function directPostsToday(ctx: SandboxContext, openId: string): number {
  const since = ctx.clock.now() - DAY_MS
  return ctx.posts
    .publishesOf(openId)
    .filter((p) => p.mode === 'DIRECT_POST' && p.createdAt > since && p.status !== 'FAILED').length
}

/**
 * Error code when the app may not add `openId` as an active Direct Post user today
 * (`reached_active_user_cap`: 5 distinct users per 24 h when unaudited, `activeUserCap` otherwise).
 */
export function activeUserCapError(ctx: SandboxContext, openId: string): string | null {
  const cap = ctx.settings.unauditedClient ? ctx.settings.unauditedActiveUserCap : ctx.settings.activeUserCap
  if (cap === null) return null
  const since = ctx.clock.now() - DAY_MS
  const active = new Set(
    ctx.posts
      .publishes()
      .filter((p) => p.mode === 'DIRECT_POST' && p.createdAt > since)
      .map((p) => p.openId),
  )
  return !active.has(openId) && active.size >= cap ? 'reached_active_user_cap' : null
}

/** Pending inbox shares that count toward `pendingShareCap` (docs/tiktok-api.md §3.3). */
export function pendingShares(ctx: SandboxContext, openId: string): number {
  const inbox = ctx.posts.publishesOf(openId).filter((p) => p.mode === 'INBOX_SHARE')
  if (ctx.settings.pendingShareCounting === 'pending') {
    return inbox.filter((p) => p.status !== 'FAILED' && p.status !== 'PUBLISH_COMPLETE').length
  }
  const since = ctx.clock.now() - DAY_MS
  return inbox.filter((p) => p.createdAt > since && p.status !== 'FAILED').length
}
