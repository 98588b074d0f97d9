import type { SandboxContext } from '../context.js'
import type { Grant } from './tokens.js'

/**
 * Revokes a grant: its access and refresh tokens stop working and the user's publishes still
 * processing fail with `auth_removed` (REFERENCE 3.8, 4.4).
 */
export function revokeGrant(ctx: SandboxContext, grant: Grant): void {
  grant.revoked = true
  for (const t of ctx.tokens.accessTokensOf(grant.id)) t.revoked = true
  for (const t of ctx.tokens.refreshTokensOf(grant.id)) t.revoked = true
  const stillAuthorized = ctx.tokens.grantsOf(grant.openId).some((g) => !g.revoked)
  if (stillAuthorized) return
  for (const p of ctx.posts.publishesOf(grant.openId)) {
    if (p.status === 'PROCESSING_UPLOAD' || p.status === 'PROCESSING_DOWNLOAD')
      ctx.processor.fail(p, 'auth_removed')
  }
}
