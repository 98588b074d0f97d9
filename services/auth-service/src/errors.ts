import { defineError, withDetails } from '@social-bridge/service-kit'

/** 403: the OAuth state is missing, unknown, expired, already used, or bound to another user/cookie. */
export const OAuthStateInvalidError = defineError(
  'OAUTH_STATE_INVALID',
  403,
  'The sign-in request is invalid or has expired; start connecting again',
)

/** 409: TikTok says the grant is dead (`invalid_grant`, refresh token expired): the user must reconnect. */
export const ReauthRequiredError = defineError(
  'REAUTH_REQUIRED',
  409,
  'The TikTok account must be reconnected by a user',
)

/** 409: the connection was disconnected or revoked. */
export const ConnectionNotActiveError = defineError('CONNECTION_NOT_ACTIVE', 409, 'The connection is %s')

/** 503: TikTok could not refresh the token right now (transient); retry later. */
export const TikTokUnavailableError = defineError(
  'TIKTOK_UNAVAILABLE',
  503,
  'TikTok is unavailable; try again later',
)

/**
 * A {@link TikTokUnavailableError} telling the caller when to retry: `details.retryAfterSec`
 * (whole seconds, ≥ 1), which the error handler also sends as `Retry-After`.
 */
export function tiktokUnavailable(retryAfterSec: number): Error {
  return withDetails(new TikTokUnavailableError(), { retryAfterSec: Math.max(1, Math.ceil(retryAfterSec)) })
}

/**
 * 500: the connection's tokens are sealed under a key that TOKEN_ENCRYPTION_KEYS no longer holds
 * (or that cannot open them). An operator must restore the key; the caller cannot fix it.
 */
export const TokenKeyUnavailableError = defineError(
  'TOKEN_KEY_UNAVAILABLE',
  500,
  "The connection's tokens are sealed under an encryption key that is not configured",
)

/** 400: `returnUrl` is not on RETURN_URL_ALLOWLIST. */
export const ReturnUrlNotAllowedError = defineError(
  'BAD_REQUEST',
  400,
  'returnUrl is not an allowed return URL',
)

/**
 * 409: a shop of this TikTok Shop grant (or its seller) is connected by another user of the
 * tenant. Never says who.
 */
export const ShopAlreadyConnectedError = defineError(
  'SHOP_ALREADY_CONNECTED',
  409,
  'This shop is already connected by another user',
)

/** 409: one TikTok Shop per CRM user — the user already has another shop connected. */
export const ShopLimitReachedError = defineError(
  'SHOP_LIMIT_REACHED',
  409,
  'You already have a TikTok Shop connected; disconnect it first',
)
