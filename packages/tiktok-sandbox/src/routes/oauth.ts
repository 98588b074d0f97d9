import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { SandboxContext } from '../context.js'
import { OAuthError } from '../errors.js'
import { verifyPkce } from '../oauth/pkce.js'
import { removeAppAuthorization } from '../state/revoke.js'
import type { Grant } from '../state/tokens.js'

type Form = Record<string, string | undefined>

/** Rejects non-form bodies and wrong client credentials (docs/tiktok-api.md §1.4, 1.6). */
function checkClient(ctx: SandboxContext, request: FastifyRequest): Form {
  const type = request.headers['content-type'] ?? ''
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new OAuthError(
      'invalid_request',
      'The request parameters are malformed. Content-Type must be application/x-www-form-urlencoded.',
    )
  }
  const form = (request.body ?? {}) as Form
  if (form.client_key !== ctx.config.clientKey || form.client_secret !== ctx.config.clientSecret) {
    throw new OAuthError('invalid_client', 'Client key or secret is incorrect.')
  }
  return form
}

/** The flat success body (docs/tiktok-api.md §1.4a): no `data` wrapper, `scope` singular and comma-separated. */
function tokenResponse(
  now: number,
  grant: Grant,
  access: string,
  accessExp: number,
  refresh: string,
  refreshExp: number,
) {
  return {
    access_token: access,
    expires_in: Math.max(0, Math.floor((accessExp - now) / 1000)),
    open_id: grant.openId,
    refresh_expires_in: Math.max(0, Math.floor((refreshExp - now) / 1000)),
    refresh_token: refresh,
    scope: grant.scopes.join(','),
    token_type: 'Bearer',
  }
}

function authorizationCode(ctx: SandboxContext, form: Form) {
  const now = ctx.clock.now()
  if (!form.code)
    throw new OAuthError('invalid_request', 'The request parameters are malformed: code is required.')
  const code = ctx.tokens.code(form.code)
  if (!code || code.used || code.expiresAt <= now)
    throw new OAuthError('invalid_grant', 'Authorization code is expired.')
  if (form.redirect_uri !== code.redirectUri) {
    throw new OAuthError('invalid_request', 'Redirect_uri is not matched with the uri when requesting code.')
  }
  if (code.codeChallenge !== undefined) {
    if (
      !form.code_verifier ||
      !verifyPkce(code.codeChallenge, form.code_verifier, ctx.settings.acceptBase64urlChallenge)
    ) {
      throw new OAuthError('invalid_grant', 'Code verifier or code challenge is invalid.')
    }
  }
  const grant = ctx.tokens.grant(code.grantId)
  if (!grant || grant.revoked) throw new OAuthError('invalid_grant', 'Authorization code is expired.')
  code.used = true
  const access = ctx.tokens.issueAccess(grant.id, 'user', now + ctx.settings.accessTokenTtlSec * 1000)
  const refresh = ctx.tokens.issueRefresh(grant.id, now + ctx.settings.refreshTokenTtlSec * 1000)
  return tokenResponse(now, grant, access.token, access.expiresAt, refresh.token, refresh.expiresAt)
}

function refreshToken(ctx: SandboxContext, form: Form, request: FastifyRequest) {
  const now = ctx.clock.now()
  const presented = form.refresh_token ?? ''
  request.tt.refreshToken = ctx.tokens.classifyRefresh(presented)
  const old = ctx.tokens.refresh(presented)
  const grant = old ? ctx.tokens.grant(old.grantId) : undefined
  if (!old || old.replacedBy || old.revoked || old.expiresAt <= now || !grant || grant.revoked) {
    throw new OAuthError('invalid_grant', 'Refresh token is invalid or expired.')
  }
  request.tt.openId = grant.openId
  const rotation = ctx.settings.refreshRotation
  const expiresAt = ctx.settings.refreshExtendsExpiry
    ? now + ctx.settings.refreshTokenTtlSec * 1000
    : old.expiresAt
  let refresh = old
  if (rotation !== 'none') {
    refresh = ctx.tokens.issueRefresh(grant.id, expiresAt)
    if (rotation === 'invalidate') old.replacedBy = refresh.token
    else old.superseded = true
  } else {
    old.expiresAt = expiresAt
  }
  const access = ctx.tokens.issueAccess(grant.id, 'user', now + ctx.settings.accessTokenTtlSec * 1000)
  return tokenResponse(now, grant, access.token, access.expiresAt, refresh.token, refresh.expiresAt)
}

/**
 * The live grant behind a user access token (`act.`), or undefined for anything else: an unknown
 * string, a refresh or client token, an expired or revoked access token, a revoked grant.
 */
function liveAccessGrant(ctx: SandboxContext, token: string): Grant | undefined {
  const access = ctx.tokens.access(token)
  if (access?.kind !== 'user' || access.revoked || access.expiresAt <= ctx.clock.now()) return undefined
  const grant = access.grantId !== undefined ? ctx.tokens.grant(access.grantId) : undefined
  return grant && !grant.revoked ? grant : undefined
}

/**
 * `POST /v2/oauth/token/` (grant types authorization_code, refresh_token, client_credentials)
 * and `POST /v2/oauth/revoke/` — docs/tiktok-api.md §1.4–1.6. Form-encoded only; flat JSON responses;
 * errors `{error, error_description, log_id}` with `settings.oauthErrorHttpStatus`.
 * Revoke takes the user's live access token (1.5): the app leaves the user's permissions, so
 * every token of every authorization of that user dies, then `authorization.removed` reason 5 is
 * emitted (4.4) and the body is empty. Any other token answers `invalid_grant` and revokes nothing.
 */
export const oauthRoutes: FastifyPluginAsync<{ ctx: SandboxContext }> = async (app, { ctx }) => {
  app.post(
    '/v2/oauth/token/',
    { config: { endpoint: 'oauth.token', oauth: true } },
    async (request, reply) => {
      const grantType = ((request.body ?? {}) as Form).grant_type
      request.tt.grantType = grantType
      const form = checkClient(ctx, request)
      reply.header('cache-control', 'no-store')
      if (grantType === 'authorization_code') return authorizationCode(ctx, form)
      if (grantType === 'refresh_token') return refreshToken(ctx, form, request)
      if (grantType === 'client_credentials') {
        const access = ctx.tokens.issueAccess(
          undefined,
          'client',
          ctx.clock.now() + ctx.settings.clientTokenTtlSec * 1000,
        )
        return {
          access_token: access.token,
          expires_in: ctx.settings.clientTokenTtlSec,
          token_type: 'Bearer',
        }
      }
      throw new OAuthError('unsupported_grant_type', 'The grant type is not supported.')
    },
  )

  app.post(
    '/v2/oauth/revoke/',
    { config: { endpoint: 'oauth.revoke', oauth: true } },
    async (request, reply) => {
      const form = checkClient(ctx, request)
      if (!form.token)
        throw new OAuthError('invalid_request', 'The request parameters are malformed: token is required.')
      const grant = liveAccessGrant(ctx, form.token)
      if (!grant) throw new OAuthError('invalid_grant', 'Access token is invalid or expired.')
      request.tt.openId = grant.openId
      removeAppAuthorization(ctx, grant.openId)
      if (ctx.settings.revokeSendsWebhook)
        ctx.webhooks.emit('authorization.removed', grant.openId, { reason: 5 })
      return reply.code(200).send('')
    },
  )
}
