import { ErrorCodes } from '@social-bridge/contracts'
import {
  INSTAGRAM_SCOPES,
  type InstagramClient,
  InstagramGraphError,
  type InstagramProfile,
  isProfessional,
  type LongLivedToken,
  REFRESH_MIN_AGE_SEC,
} from '@social-bridge/instagram-client'
import {
  type AccountDetails,
  errorKind,
  type GrantedTokens,
  type ProviderAdapter,
  ProviderError,
  providerCall,
  type RefreshWindow,
} from './provider.js'

/**
 * When Instagram tokens are refreshed (docs/instagram-api.md "Connect"): never before 24 h of age
 * (Instagram refuses it), and 10 days before the 60-day expiry, so a long outage still leaves time.
 */
export const INSTAGRAM_REFRESH_WINDOW: RefreshWindow = {
  minAgeSec: REFRESH_MIN_AGE_SEC,
  leadSec: 10 * 86_400,
}

/** The notice of a personal account (contracts `ConnectionNotice`). */
export const PROFESSIONAL_ACCOUNT_NOTICE = {
  code: ErrorCodes.INSTAGRAM_PROFESSIONAL_ACCOUNT_REQUIRED,
  message:
    'This is a personal Instagram account: only professional accounts can publish. In the Instagram app, ' +
    'go to Settings → Account type and tools → Switch to professional account (Business or Creator), then reconnect.',
}

/** An Instagram client error as a {@link ProviderError} (docs/instagram-api.md "Errors"). */
function classify(err: unknown): unknown {
  if (!(err instanceof InstagramGraphError)) return err
  const kind = errorKind(err.category, err.category === 'grant_invalid')
  return new ProviderError(kind, err.code === undefined ? err.kind : String(err.code), err.toJSON())
}

const call = <T>(p: Promise<T>) => providerCall(p, classify)

/**
 * Instagram has no refresh token: the long-lived access token is itself refreshed while unexpired,
 * so it is stored as both, with the same expiry (docs/instagram-api.md "Connect").
 */
const tokensOf = (t: LongLivedToken): GrantedTokens => ({
  accessToken: t.accessToken,
  refreshToken: t.accessToken,
  expiresInSec: t.expiresInSec,
  refreshExpiresInSec: t.expiresInSec,
  scopes: t.permissions,
})

/** What the connection shows of the profile: account type, whether it can publish, a notice. */
export function accountDetailsOf(profile: Pick<InstagramProfile, 'accountType'>): AccountDetails {
  const canPublish = isProfessional(profile.accountType)
  return {
    accountType: profile.accountType,
    canPublish,
    ...(canPublish ? {} : { notice: PROFESSIONAL_ACCOUNT_NOTICE }),
  }
}

/**
 * Business Login for Instagram (docs/instagram-api.md "Connect"): authorize with the four
 * `instagram_business_*` permissions and the state (no PKCE); the code exchange, the long-lived
 * exchange and `GET /me` on connect (the connection's `openId` is the professional account id
 * `user_id`, its name the username); refresh of the long-lived token inside
 * {@link INSTAGRAM_REFRESH_WINDOW}. A personal account connects with `canPublish: false` and a
 * notice. Instagram Login has no revoke endpoint: disconnect only deletes the tokens.
 */
export function createInstagramProvider(opts: {
  client: InstagramClient
  redirectUri: string
}): ProviderAdapter {
  const { oauth } = opts.client
  return {
    name: 'instagram',
    refreshWindow: INSTAGRAM_REFRESH_WINDOW,
    authorizeUrl: ({ state }) =>
      oauth.buildAuthorizeUrl({ redirectUri: opts.redirectUri, state, scopes: INSTAGRAM_SCOPES }),
    async exchangeCode({ code }) {
      const short = await call(oauth.exchangeCode({ code, redirectUri: opts.redirectUri }))
      const long = await call(oauth.exchangeForLongLived(short.accessToken))
      const profile = await call(oauth.getProfile(long.accessToken))
      const tokens = tokensOf(long)
      return {
        ...tokens,
        scopes: tokens.scopes.length > 0 ? tokens.scopes : short.permissions,
        openId: profile.userId,
        displayName: profile.username || profile.name,
        avatarUrl: profile.profilePictureUrl,
        account: accountDetailsOf(profile),
      }
    },
    refresh: async (token) => tokensOf(await call(oauth.refresh(token))),
  }
}
