import type { FastifyRequest } from 'fastify'
import type { SandboxContext } from './context.js'
import { apiErrors } from './errors.js'
import type { Grant } from './state/tokens.js'
import type { SandboxUser } from './state/users.js'

/** The caller of a v2 endpoint. */
export interface Caller {
  user: SandboxUser
  grant: Grant
  /** The bearer access token. */
  token: string
}

/**
 * Resolves `Authorization: Bearer <act.…>` (docs/tiktok-api.md §2), then applies the endpoint's rate limit
 * (docs/tiktok-api.md §5). Throws 401 `access_token_invalid` for a missing, unknown, expired, revoked or
 * client token; 401 `scope_not_authorized` when none of `anyOfScopes` was granted; 429 when throttled.
 */
export function authenticate(ctx: SandboxContext, request: FastifyRequest, anyOfScopes: string[]): Caller {
  const header = request.headers.authorization ?? ''
  const m = /^Bearer\s+(\S+)$/i.exec(header)
  const access = m ? ctx.tokens.access(m[1]!) : undefined
  const grant = access?.grantId !== undefined ? ctx.tokens.grant(access.grantId) : undefined
  const user = grant ? ctx.users.get(grant.openId) : undefined
  if (access?.kind !== 'user' || access.revoked || access.expiresAt <= ctx.clock.now()) {
    throw apiErrors.tokenInvalid()
  }
  if (!grant || grant.revoked || !user) throw apiErrors.tokenInvalid()
  request.tt.openId = user.openId
  if (anyOfScopes.length && !anyOfScopes.some((s) => grant.scopes.includes(s))) {
    throw apiErrors.scopeNotAuthorized(anyOfScopes.join(' or '))
  }
  const endpoint = request.routeOptions.config.endpoint
  if (endpoint) ctx.rateLimiter.check(endpoint, { app: ctx.config.clientKey, token: access.token })
  return { user, grant, token: access.token }
}
