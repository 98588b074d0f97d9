import type { SandboxContext } from '../context.js'

/**
 * Removes the app from a user's permissions (docs/tiktok-api.md §1.5, 4.4): every grant of `openId` is
 * revoked, so every access and refresh token of every authorization the user gave this app stops
 * working (and pending codes can no longer be exchanged), and the user's publishes still
 * processing fail with `auth_removed` (3.8). Call it before emitting `authorization.removed`:
 * the tokens are already dead when that webhook arrives (4.4). Returns how many grants were still
 * live (0 when the app had already been removed).
 */
export function removeAppAuthorization(ctx: SandboxContext, openId: string): number {
  let live = 0
  for (const grant of ctx.tokens.grantsOf(openId)) {
    if (!grant.revoked) live++
    grant.revoked = true
    for (const t of ctx.tokens.accessTokensOf(grant.id)) t.revoked = true
    for (const t of ctx.tokens.refreshTokensOf(grant.id)) t.revoked = true
  }
  for (const p of ctx.posts.publishesOf(openId)) {
    if (p.status === 'PROCESSING_UPLOAD' || p.status === 'PROCESSING_DOWNLOAD')
      ctx.processor.fail(p, 'auth_removed')
  }
  return live
}
