import { type TikTokClient, TikTokError, type UserInfo } from '@social-bridge/tiktok-client'
import {
  errorKind,
  type GrantedTokens,
  type ProviderAdapter,
  ProviderError,
  providerCall,
} from './provider.js'

const PROFILE_FIELDS = ['open_id', 'display_name', 'avatar_url'] as const

/** A TikTok client error as a {@link ProviderError} (docs/tiktok-api.md §1.6). */
function classify(err: unknown): unknown {
  if (!(err instanceof TikTokError)) return err
  const kind = errorKind(err.category, err.tiktokCode === 'invalid_grant')
  return new ProviderError(kind, err.tiktokCode ?? err.code, err.toJSON())
}

const call = <T>(p: Promise<T>) => providerCall(p, classify)

/**
 * TikTok Login Kit (docs/tiktok-api.md §1–§2.2): PKCE hex S256 authorize, code exchange with the
 * profile read when `user.info.basic` was granted (a profile failure connects without one),
 * refresh, revoke.
 */
export function createTikTokProvider(opts: {
  tiktok: TikTokClient
  scopes: string[]
  log?: { warn(obj: object, msg: string): void }
}): ProviderAdapter {
  const { tiktok } = opts
  async function readProfile(accessToken: string, scopes: string[]): Promise<UserInfo> {
    if (!scopes.includes('user.info.basic')) return {}
    try {
      return await tiktok.display.getUserInfo(accessToken, PROFILE_FIELDS)
    } catch (err) {
      const e = err instanceof TikTokError ? err.toJSON() : { message: 'unknown error' }
      opts.log?.warn({ err: e }, 'user info unavailable; connecting without a profile')
      return {}
    }
  }
  const tokensOf = (t: Awaited<ReturnType<TikTokClient['oauth']['refreshAccessToken']>>): GrantedTokens => ({
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    expiresInSec: t.expiresInSec,
    refreshExpiresInSec: t.refreshExpiresInSec,
    scopes: t.scopes,
  })
  return {
    name: 'tiktok',
    authorizeUrl: ({ state, codeChallenge }) =>
      tiktok.oauth.buildAuthorizeUrl({ scopes: opts.scopes, state, codeChallenge }),
    async exchangeCode({ code, codeVerifier, callbackScopes }) {
      const t = await call(tiktok.oauth.exchangeCode({ code, codeVerifier }))
      const scopes = t.scopes.length > 0 ? t.scopes : callbackScopes
      const profile = await readProfile(t.accessToken, scopes)
      return {
        ...tokensOf(t),
        scopes,
        openId: t.openId,
        displayName: profile.displayName,
        avatarUrl: profile.avatarUrl,
      }
    },
    refresh: async (refreshToken) => tokensOf(await call(tiktok.oauth.refreshAccessToken(refreshToken))),
    revoke: (accessToken) => call(tiktok.oauth.revokeAccessToken(accessToken)),
  }
}
