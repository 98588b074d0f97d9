/**
 * Business Login for Instagram (docs/instagram-api.md "Connect"): the authorize URL, the code
 * exchange (short-lived token, ~1 h), the long-lived exchange (~60 days), the refresh of a
 * long-lived token (only when it is at least 24 h old and unexpired; 60 days from the refresh) and
 * the profile (`GET /me`). Instagram Login has no refresh token and no revoke endpoint.
 */
import { InstagramGraphError } from './errors.js'
import type { GraphHttp } from './graph.js'

/** The permissions Social Bridge asks for (docs "Connect"), comma-separated in the authorize URL. */
export const INSTAGRAM_SCOPES = [
  'instagram_business_basic',
  'instagram_business_content_publish',
  'instagram_business_manage_comments',
  'instagram_business_manage_insights',
] as const

/** A long-lived token may be refreshed only when at least this old, seconds (docs "Connect"). */
export const REFRESH_MIN_AGE_SEC = 86_400

/** Options of {@link createOAuth}. */
export interface OAuthOptions {
  appId: string
  appSecret: string
  /** Default `https://www.instagram.com`. */
  authorizeBaseUrl?: string | undefined
  /** Default `https://api.instagram.com`. */
  apiBaseUrl?: string | undefined
}

/** The code exchange's answer. */
export interface ShortLivedToken {
  /** Valid about 1 hour. */
  accessToken: string
  /** The Instagram-scoped user id of the app user (`user_id`, kept as a string). */
  userId: string
  /** Granted permissions (`permissions`, comma-separated on the wire). */
  permissions: string[]
}

/** A long-lived token from the exchange or a refresh. */
export interface LongLivedToken {
  accessToken: string
  /** `expires_in`: seconds from now until the token expires (about 60 days). */
  expiresInSec: number
  /** Granted permissions when the answer lists them; empty otherwise. */
  permissions: string[]
}

/** `account_type` of `/me`: BUSINESS or MEDIA_CREATOR are professional; others cannot publish. */
export type InstagramAccountType = 'BUSINESS' | 'MEDIA_CREATOR' | 'PERSONAL' | (string & {})

/** `GET /me?fields=user_id,username,name,account_type,profile_picture_url,followers_count`. */
export interface InstagramProfile {
  /** The app-scoped id (`id`). */
  id: string
  /** The Instagram professional account id (`user_id`): the `{ig-user-id}` of Graph paths and webhooks. */
  userId: string
  username: string
  name: string | undefined
  accountType: InstagramAccountType
  profilePictureUrl: string | undefined
  followersCount: number | undefined
}

/** True for account types that can publish through the API (docs "Connect"). */
export const isProfessional = (accountType: string): boolean =>
  accountType === 'BUSINESS' || accountType === 'MEDIA_CREATOR'

/** The Business Login calls. */
export interface InstagramOAuth {
  /**
   * `{authorizeBaseUrl}/oauth/authorize?client_id&redirect_uri&response_type=code&scope=a,b&state`.
   * @throws InstagramGraphError `invalid_argument` without a state or redirect URI.
   */
  buildAuthorizeUrl(params: { redirectUri: string; state: string; scopes?: readonly string[] }): string
  /**
   * `POST {apiBaseUrl}/oauth/access_token` (form: client_id, client_secret, grant_type=authorization_code,
   * redirect_uri, code). A trailing `#_` on the code is dropped.
   * @throws InstagramGraphError — a refused code is `grant_invalid`.
   */
  exchangeCode(params: { code: string; redirectUri: string }): Promise<ShortLivedToken>
  /** `GET /access_token?grant_type=ig_exchange_token&client_secret&access_token`. @throws InstagramGraphError */
  exchangeForLongLived(shortLivedToken: string): Promise<LongLivedToken>
  /**
   * `GET /refresh_access_token?grant_type=ig_refresh_token&access_token`; the token must be at
   * least 24 h old and unexpired. @throws InstagramGraphError (190 → `grant_invalid`).
   */
  refresh(longLivedToken: string): Promise<LongLivedToken>
  /** `GET /me` with the profile fields. @throws InstagramGraphError */
  getProfile(accessToken: string): Promise<InstagramProfile>
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')
const list = (v: unknown) =>
  str(v)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

function invalid(what: string): InstagramGraphError {
  return new InstagramGraphError('invalid_response', `Instagram answered without ${what}`, {
    category: 'failed',
  })
}

function longLived(body: Record<string, unknown>): LongLivedToken {
  const accessToken = str(body.access_token)
  const expiresInSec = Number(body.expires_in)
  if (!accessToken) throw invalid('an access token')
  if (!Number.isFinite(expiresInSec) || expiresInSec <= 0) throw invalid('expires_in')
  return { accessToken, expiresInSec, permissions: list(body.permissions) }
}

/** Builds the Business Login calls over `graph`. */
export function createOAuth(graph: GraphHttp, opts: OAuthOptions): InstagramOAuth {
  const authorizeBase = (opts.authorizeBaseUrl ?? 'https://www.instagram.com').replace(/\/+$/, '')
  const apiBase = opts.apiBaseUrl ?? 'https://api.instagram.com'
  return {
    buildAuthorizeUrl({ redirectUri, state, scopes = INSTAGRAM_SCOPES }) {
      if (!state)
        throw new InstagramGraphError('invalid_argument', 'state is required (CSRF)', { category: 'failed' })
      if (!redirectUri)
        throw new InstagramGraphError('invalid_argument', 'redirect_uri is required', { category: 'failed' })
      const url = new URL(`${authorizeBase}/oauth/authorize`)
      url.search = new URLSearchParams({
        client_id: opts.appId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: scopes.join(','),
        state,
      }).toString()
      return url.toString()
    },
    async exchangeCode({ code, redirectUri }) {
      const clean = code.replace(/#_$/, '')
      const res = await graph
        .request({
          method: 'POST',
          baseUrl: apiBase,
          path: '/oauth/access_token',
          form: {
            client_id: opts.appId,
            client_secret: opts.appSecret,
            grant_type: 'authorization_code',
            redirect_uri: redirectUri,
            code: clean,
          },
          secrets: [opts.appSecret, clean],
        })
        .catch((err: unknown) => {
          // api.instagram.com refuses a used, expired or foreign code with a 400 OAuthException
          if (err instanceof InstagramGraphError && err.kind === 'graph_error' && err.httpStatus === 400)
            throw new InstagramGraphError('graph_error', err.message, { ...err, category: 'grant_invalid' })
          throw err
        })
      // Business Login answers {data: [{…}]}; the older flat shape is read too.
      const data = Array.isArray(res.body.data)
        ? (res.body.data[0] as Record<string, unknown> | undefined)
        : res.body
      const accessToken = str(data?.access_token)
      if (!accessToken) throw invalid('an access token')
      return { accessToken, userId: str(data?.user_id), permissions: list(data?.permissions) }
    },
    async exchangeForLongLived(shortLivedToken) {
      const res = await graph.request({
        path: '/access_token',
        query: { grant_type: 'ig_exchange_token', client_secret: opts.appSecret },
        accessToken: shortLivedToken,
        secrets: [opts.appSecret],
      })
      return longLived(res.body)
    },
    async refresh(longLivedToken) {
      const res = await graph.request({
        path: '/refresh_access_token',
        query: { grant_type: 'ig_refresh_token' },
        accessToken: longLivedToken,
      })
      return longLived(res.body)
    },
    async getProfile(accessToken) {
      const res = await graph.request({
        path: '/me',
        query: { fields: 'user_id,username,name,account_type,profile_picture_url,followers_count' },
        accessToken,
      })
      const b = res.body
      const userId = str(b.user_id)
      if (!userId) throw invalid('user_id')
      const followers = Number(b.followers_count)
      return {
        id: str(b.id),
        userId,
        username: str(b.username),
        name: str(b.name) || undefined,
        accountType: str(b.account_type) || 'PERSONAL',
        profilePictureUrl: str(b.profile_picture_url) || undefined,
        followersCount: Number.isFinite(followers) && b.followers_count !== undefined ? followers : undefined,
      }
    },
  }
}
