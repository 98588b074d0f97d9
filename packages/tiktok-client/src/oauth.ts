import {
  redactSecrets,
  TikTokApiError,
  TikTokInvalidArgumentError,
  TikTokInvalidResponseError,
  TikTokOAuthError,
} from './errors.js'
import type { Http } from './http.js'
import { isJsonObject, type JsonObject, optNumber, optString, parseJson } from './json.js'

/** A user's tokens as returned by `/v2/oauth/token/` (docs/tiktok-api.md §1.4), in camelCase. */
export interface TokenSet {
  /** `act.…`; send as `Authorization: Bearer`. */
  accessToken: string
  /** Access token lifetime in **seconds** from now (2 h today, 24 h in older docs — never assume). */
  expiresInSec: number
  /** The user's per-app id. */
  openId: string
  /** `rft.…`. May be rotated on refresh: always store the one returned (§0, §1.4b). */
  refreshToken: string
  /** Refresh token lifetime in **seconds** from now. */
  refreshExpiresInSec: number
  /** Granted scopes, parsed from the comma-separated `scope` field. */
  scopes: string[]
  /** Always `Bearer`. */
  tokenType: string
}

/** Parameters of {@link OAuthApi.buildAuthorizeUrl} (§1.2). */
export interface AuthorizeUrlParams {
  /** Scopes to ask for; sent comma-separated. */
  scopes: readonly string[]
  /** CSRF state, echoed back on the callback unchanged. */
  state: string
  /** Hex S256 challenge from `createPkcePair()`; TikTok's docs say always send it (§1.2). */
  codeChallenge: string
  /** Defaults to the client's `redirectUri`. */
  redirectUri?: string
  /** `1` always shows the consent page, `0` may skip it. */
  disableAutoAuth?: 0 | 1
}

/** The query of TikTok's redirect back to `redirect_uri` (§1.3), URL-decoded. */
export interface AuthorizeCallback {
  code?: string
  /** From the plural `scopes` parameter; empty when absent. */
  scopes: string[]
  state?: string
  error?: string
  errorDescription?: string
}

/** Parameters of {@link OAuthApi.exchangeCode} (§1.4a). */
export interface ExchangeCodeParams {
  /** The URL-decoded `code` from the callback. */
  code: string
  /** The verifier whose challenge went into the authorize URL. */
  codeVerifier: string
  /** Must equal the authorize request's; defaults to the client's `redirectUri`. */
  redirectUri?: string
}

/** Login Kit v2 (§1). All calls are form-encoded with `client_secret` in the body. */
export interface OAuthApi {
  /**
   * `https://www.tiktok.com/v2/auth/authorize/?client_key=…&scope=a,b&redirect_uri=…&state=…
   * &response_type=code&code_challenge=<hex>&code_challenge_method=S256` (§1.2).
   * @throws TikTokInvalidArgumentError without scopes, state, redirect URI, or with a non-hex challenge.
   */
  buildAuthorizeUrl(params: AuthorizeUrlParams): string
  /** Reads `code`, `scopes`, `state`, `error`, `error_description` from the callback URL (§1.3). */
  parseCallback(callbackUrl: string | URL): AuthorizeCallback
  /**
   * `grant_type=authorization_code` (§1.4a).
   * @throws TikTokOAuthError for `{error, error_description, log_id}` — even with HTTP 200 (§1.6).
   */
  exchangeCode(params: ExchangeCodeParams): Promise<TokenSet>
  /**
   * `grant_type=refresh_token` (§1.4b). The returned `refreshToken` may differ from the one passed
   * and the old one then stops working: store the new one.
   * @throws TikTokOAuthError (e.g. `invalid_grant` for a rotated or expired refresh token).
   */
  refreshAccessToken(refreshToken: string): Promise<TokenSet>
  /**
   * `POST /v2/oauth/revoke/` with the user's access token (§1.5). Success: 2xx without an error body.
   * @throws TikTokOAuthError / TikTokApiError when TikTok reports an error, in any status.
   */
  revokeAccessToken(accessToken: string): Promise<void>
}

/** What the OAuth calls need from the client. */
export interface OAuthContext {
  http: Http
  clientKey: string
  clientSecret: string
  authBaseUrl: string
  apiBaseUrl: string
  redirectUri: string | undefined
  rateLimitBackoffMs: number
  timeoutMs?: number | undefined
}

/** Builds the Login Kit v2 API bound to one app's credentials. */
export function createOAuthApi(ctx: OAuthContext): OAuthApi {
  function buildAuthorizeUrl(params: AuthorizeUrlParams): string {
    const redirectUri = params.redirectUri ?? ctx.redirectUri
    if (!redirectUri) throw new TikTokInvalidArgumentError('redirect_uri is required')
    if (params.scopes.length === 0) throw new TikTokInvalidArgumentError('at least one scope is required')
    if (!params.state) throw new TikTokInvalidArgumentError('state is required (CSRF)')
    if (!/^[0-9a-f]{64}$/.test(params.codeChallenge)) {
      throw new TikTokInvalidArgumentError('code_challenge must be the 64-char lowercase hex SHA-256 (S256)')
    }
    const url = new URL('/v2/auth/authorize/', ctx.authBaseUrl)
    const q = url.searchParams
    q.set('client_key', ctx.clientKey)
    q.set('scope', params.scopes.join(','))
    q.set('redirect_uri', redirectUri)
    q.set('state', params.state)
    q.set('response_type', 'code')
    q.set('code_challenge', params.codeChallenge)
    q.set('code_challenge_method', 'S256')
    if (params.disableAutoAuth !== undefined) q.set('disable_auto_auth', String(params.disableAutoAuth))
    return url.toString()
  }

  function parseCallback(callbackUrl: string | URL): AuthorizeCallback {
    const q = new URL(callbackUrl).searchParams
    const out: AuthorizeCallback = { scopes: splitScopes(q.get('scopes')) }
    const code = q.get('code')
    const state = q.get('state')
    const error = q.get('error')
    const errorDescription = q.get('error_description')
    if (code !== null) out.code = code
    if (state !== null) out.state = state
    if (error) out.error = error
    if (errorDescription) out.errorDescription = errorDescription
    return out
  }

  async function postForm(path: string, fields: Record<string, string>, secrets: string[]) {
    const res = await ctx.http.send({
      method: 'POST',
      url: new URL(path, ctx.apiBaseUrl),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-cache' },
      body: new URLSearchParams({
        client_key: ctx.clientKey,
        client_secret: ctx.clientSecret,
        ...fields,
      }).toString(),
      timeoutMs: ctx.timeoutMs,
    })
    let body: unknown
    try {
      body = parseJson(res.text)
    } catch {
      body = undefined
    }
    return { status: res.status, body, secrets: [ctx.clientSecret, ...secrets] }
  }

  async function tokenCall(fields: Record<string, string>, secrets: string[]): Promise<TokenSet> {
    const res = await postForm('/v2/oauth/token/', fields, secrets)
    const body = res.body
    if (isJsonObject(body) && typeof body.access_token === 'string' && body.access_token !== '') {
      return toTokenSet(body, res.status)
    }
    throw oauthFailure('/v2/oauth/token/', res.status, body, res.secrets, ctx.rateLimitBackoffMs)
  }

  return {
    buildAuthorizeUrl,
    parseCallback,
    exchangeCode(params) {
      const redirectUri = params.redirectUri ?? ctx.redirectUri
      if (!redirectUri) throw new TikTokInvalidArgumentError('redirect_uri is required')
      return tokenCall(
        {
          code: params.code,
          grant_type: 'authorization_code',
          redirect_uri: redirectUri,
          code_verifier: params.codeVerifier,
        },
        [params.code, params.codeVerifier],
      )
    },
    refreshAccessToken(refreshToken) {
      return tokenCall({ grant_type: 'refresh_token', refresh_token: refreshToken }, [refreshToken])
    },
    async revokeAccessToken(accessToken) {
      const res = await postForm('/v2/oauth/revoke/', { token: accessToken }, [accessToken])
      const body = res.body
      const flatError = isJsonObject(body) && typeof body.error === 'string' && body.error !== ''
      const envelopeError =
        isJsonObject(body) &&
        isJsonObject(body.error) &&
        body.error.code !== 'ok' &&
        body.error.code !== 0 &&
        body.error.code !== undefined
      if (res.status >= 200 && res.status < 300 && !flatError && !envelopeError) return
      throw oauthFailure('/v2/oauth/revoke/', res.status, body, res.secrets, ctx.rateLimitBackoffMs)
    },
  }
}

/** Splits TikTok's comma-separated scope list (`scope` or `scopes`), dropping blanks. */
export function splitScopes(value: string | null | undefined): string[] {
  if (!value) return []
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

function toTokenSet(body: JsonObject, status: number): TokenSet {
  const accessToken = body.access_token as string
  const openId = optString(body, 'open_id')
  const refreshToken = optString(body, 'refresh_token')
  const expiresInSec = optNumber(body, 'expires_in')
  const refreshExpiresInSec = optNumber(body, 'refresh_expires_in')
  if (!openId || !refreshToken || expiresInSec === undefined || refreshExpiresInSec === undefined) {
    throw new TikTokInvalidResponseError(
      '/v2/oauth/token/ returned an access_token without open_id, refresh_token or lifetimes',
      { httpStatus: status, logId: optString(body, 'log_id') },
    )
  }
  return {
    accessToken,
    expiresInSec,
    openId,
    refreshToken,
    refreshExpiresInSec,
    scopes: splitScopes(optString(body, 'scope')),
    tokenType: optString(body, 'token_type') ?? 'Bearer',
  }
}

function oauthFailure(path: string, status: number, body: unknown, secrets: string[], backoffMs: number) {
  const rate = (code: string | undefined) =>
    status === 429 || code === 'rate_limit_exceeded' ? backoffMs : undefined
  if (isJsonObject(body) && typeof body.error === 'string' && body.error !== '') {
    const description = optString(body, 'error_description')
    const text = `${path} failed: HTTP ${status} ${body.error}${description ? ` — ${description}` : ''}`
    return new TikTokOAuthError(redactSecrets(text, secrets), {
      tiktokCode: body.error,
      logId: optString(body, 'log_id'),
      httpStatus: status,
      retryAfterMs: rate(body.error),
    })
  }
  if (isJsonObject(body) && isJsonObject(body.error)) {
    const code = body.error.code === undefined ? undefined : String(body.error.code)
    const message = optString(body.error, 'message')
    const text = `${path} failed: HTTP ${status}${code ? ` ${code}` : ''}${message ? ` — ${message}` : ''}`
    return new TikTokApiError(redactSecrets(text, secrets), {
      tiktokCode: code,
      logId: optString(body.error, 'log_id'),
      httpStatus: status,
      retryAfterMs: rate(code),
    })
  }
  if (status >= 400) {
    return new TikTokOAuthError(`${path} failed: HTTP ${status}`, {
      httpStatus: status,
      retryAfterMs: rate(undefined),
    })
  }
  return new TikTokInvalidResponseError(`${path} answered HTTP ${status} without access_token or error`, {
    httpStatus: status,
  })
}
