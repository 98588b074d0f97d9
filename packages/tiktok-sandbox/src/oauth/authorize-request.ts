import type { SandboxContext } from '../context.js'
import { AuthorizeRequestError } from '../errors.js'
import { challengeShapeOk } from './pkce.js'
import { redirectUriMatches } from './redirect-uri.js'

/** Scopes the sandbox knows (docs/tiktok-api.md §1.7). */
export const KNOWN_SCOPES = [
  'user.info.basic',
  'user.info.profile',
  'user.info.stats',
  'video.list',
  'video.upload',
  'video.publish',
] as const

/** A validated `GET /v2/auth/authorize/` query (docs/tiktok-api.md §1.2). */
export interface AuthorizeParams {
  redirectUri: string
  scopes: string[]
  state?: string
  codeChallenge?: string
}

/** Outcome of validation: usable params, or an error to send back to the redirect URI. */
export type AuthorizeCheck =
  | { ok: true; params: AuthorizeParams }
  | { ok: false; location: string; error: string }

/** `redirect_uri` + form-encoded params (docs/tiktok-api.md §1.3). */
export function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined) qs.set(k, v)
  return `${uri}${uri.includes('?') ? '&' : '?'}${qs.toString()}`
}

/**
 * Validates an authorize query. Throws `AuthorizeRequestError` when no redirect is allowed
 * (unknown `client_key`, unregistered `redirect_uri`, PKCE required but missing — TikTok's page
 * shows "correct the following: code_challenge"); returns a redirect with `error` for
 * `unsupported_response_type`, `invalid_scope` and malformed PKCE.
 */
export function checkAuthorize(ctx: SandboxContext, query: URLSearchParams): AuthorizeCheck {
  const clientKey = query.get('client_key')
  if (!clientKey)
    throw new AuthorizeRequestError('invalid_request', 'Something went wrong: client_key is missing.')
  if (clientKey !== ctx.config.clientKey)
    throw new AuthorizeRequestError('invalid_client', 'client_key is invalid.')
  const redirectUri = query.get('redirect_uri') ?? ''
  if (!redirectUriMatches(ctx.config.redirectUris, redirectUri)) {
    throw new AuthorizeRequestError(
      'invalid_request',
      'redirect_uri does not match a registered redirect URI.',
    )
  }
  const state = query.get('state') ?? undefined
  const fail = (error: string, description: string): AuthorizeCheck => ({
    ok: false,
    error,
    location: withQuery(redirectUri, { error, error_description: description, state }),
  })
  if (query.get('response_type') !== 'code')
    return fail('unsupported_response_type', 'response_type must be code.')
  const scopes = (query.get('scope') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (scopes.length === 0) return fail('invalid_scope', 'scope is required.')
  const unknown = scopes.filter((s) => !(KNOWN_SCOPES as readonly string[]).includes(s))
  if (unknown.length) return fail('invalid_scope', `Unknown scope: ${unknown.join(',')}.`)
  const codeChallenge = query.get('code_challenge') ?? undefined
  if (codeChallenge === undefined) {
    if (ctx.settings.pkce === 'required') {
      throw new AuthorizeRequestError('invalid_request', 'correct the following: code_challenge')
    }
  } else {
    if (query.get('code_challenge_method') !== 'S256')
      return fail('invalid_request', 'code_challenge_method must be S256.')
    if (!challengeShapeOk(codeChallenge, ctx.settings.acceptBase64urlChallenge)) {
      return fail('invalid_request', 'code_challenge is invalid.')
    }
  }
  return { ok: true, params: { redirectUri, scopes: [...new Set(scopes)], state, codeChallenge } }
}

/**
 * The user approves: creates a grant for `openId` with the requested scopes (or the subset in
 * `grantedScopes`, for toggleable scopes) and returns the redirect location with `code`,
 * `scopes` (comma-separated) and `state`. Throws when the user does not exist.
 */
export function approveAuthorize(
  ctx: SandboxContext,
  url: string,
  openId: string,
  grantedScopes?: string[],
): string {
  const check = checkAuthorize(ctx, authorizeQuery(url))
  if (!check.ok) return check.location
  if (!ctx.users.get(openId)) throw new Error(`No sandbox user with open_id ${openId}`)
  const { params } = check
  const scopes = grantedScopes ? params.scopes.filter((s) => grantedScopes.includes(s)) : params.scopes
  const grant = ctx.tokens.createGrant(openId, scopes)
  const code = ctx.tokens.issueCode(
    grant.id,
    params.redirectUri,
    params.codeChallenge,
    ctx.clock.now() + ctx.settings.codeTtlMs,
  )
  return withQuery(params.redirectUri, { code: code.code, scopes: scopes.join(','), state: params.state })
}

/** The user cancels: redirect with `error=access_denied` and `error_description` (docs/tiktok-api.md §1.3). */
export function denyAuthorize(ctx: SandboxContext, url: string): string {
  const check = checkAuthorize(ctx, authorizeQuery(url))
  if (!check.ok) return check.location
  return withQuery(check.params.redirectUri, {
    error: 'access_denied',
    error_description: 'The user denied the authorization request.',
    state: check.params.state,
  })
}

/** Query of an absolute or relative authorize URL, or of a bare query string. */
export function authorizeQuery(url: string): URLSearchParams {
  const q = url.includes('?') ? url.slice(url.indexOf('?') + 1) : url
  return new URLSearchParams(q.split('#')[0])
}
