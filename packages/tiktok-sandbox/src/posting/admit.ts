import type { SandboxContext } from '../context.js'
import { TikTokApiError } from '../errors.js'
import type { Publish } from '../state/posts.js'
import type { SandboxUser } from '../state/users.js'
import { activeUserCapError, directPostsToday, pendingShares, privacyOptions } from './policy.js'
import { checkPostInfo } from './post-info.js'

/** What an init sets on the publish beside `source_info`. */
export type PublishExtra = Pick<Publish, 'privacyLevel' | 'title'>

/** A 403 TikTok API error (the init endpoints' refusals, docs/tiktok-api.md §3.2, 3.3). */
export const forbidden = (code: string, message: string): TikTokApiError =>
  new TikTokApiError(403, code, message)

const bannedFromPosting = () =>
  forbidden('spam_risk_user_banned_from_posting', 'The user is banned from posting.')

/**
 * Direct Post checks (docs/tiktok-api.md §3.2), in TikTok's order: `post_info` (400
 * `settings.postingInvalidParamCode`), then the 403s: banned user, privacy level not among the
 * creator's options, unaudited client posting to a public account, active user cap, daily post cap.
 * An unaudited client's post is kept `SELF_ONLY`.
 */
export function admitDirectPost(ctx: SandboxContext, user: SandboxUser, postInfo: unknown): PublishExtra {
  const checked = checkPostInfo(postInfo)
  if (!checked.ok) throw new TikTokApiError(400, ctx.settings.postingInvalidParamCode, checked.message)
  const post = checked.postInfo
  const privacy = admitDirectPoster(ctx, user, post.privacy_level)
  return { privacyLevel: privacy, title: post.title ?? '' }
}

/**
 * The 403s of a Direct Post (video or photo, docs/tiktok-api.md §3.2, §3.4, §3.10) in TikTok's order:
 * banned user, privacy level not among the creator's options, unaudited client posting to a public
 * account, active user cap, daily post cap. @returns the privacy level the post gets (`SELF_ONLY`
 * for an unaudited client).
 */
export function admitDirectPoster(
  ctx: SandboxContext,
  user: SandboxUser,
  privacy: NonNullable<Publish['privacyLevel']>,
): NonNullable<Publish['privacyLevel']> {
  if (user.bannedFromPosting) throw bannedFromPosting()
  if (!privacyOptions(user).includes(privacy)) {
    throw forbidden(
      'privacy_level_option_mismatch',
      "privacy_level is not one of the creator's privacy_level_options.",
    )
  }
  if (ctx.settings.unauditedClient && !user.private) {
    throw forbidden(
      'unaudited_client_can_only_post_to_private_accounts',
      'Unaudited clients can only post to private accounts.',
    )
  }
  const capError = activeUserCapError(ctx, user.openId)
  if (capError) throw forbidden(capError, 'The app reached its active user cap for the last 24 hours.')
  if (directPostsToday(ctx, user.openId) >= ctx.settings.dailyPostCap) {
    throw forbidden('spam_risk_too_many_posts', 'The creator has reached the daily post cap.')
  }
  return ctx.settings.unauditedClient ? 'SELF_ONLY' : privacy
}

/**
 * Inbox upload checks (docs/tiktok-api.md §3.3): banned user, then the pending-share cap. The docs give
 * inbox init no `post_info`: only a string `title` is kept from it, anything else is ignored.
 */
export function admitInboxUpload(ctx: SandboxContext, user: SandboxUser, postInfo: unknown): PublishExtra {
  admitInboxSharer(ctx, user)
  const title = (postInfo as { title?: unknown } | null | undefined)?.title
  return { title: typeof title === 'string' ? title : undefined }
}

/** The 403s of an inbox upload (video or photo, docs/tiktok-api.md §3.3, §3.4): banned user, pending-share cap. */
export function admitInboxSharer(ctx: SandboxContext, user: SandboxUser): void {
  if (user.bannedFromPosting) throw bannedFromPosting()
  if (pendingShares(ctx, user.openId) >= ctx.settings.pendingShareCap) {
    throw forbidden(
      'spam_risk_too_many_pending_share',
      `The user has reached the limit of ${ctx.settings.pendingShareCap} pending shares within any 24-hour period.`,
    )
  }
}
