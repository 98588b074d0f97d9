import { defineError } from '@social-bridge/service-kit'

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

/** 400: `returnUrl` is not on RETURN_URL_ALLOWLIST. */
export const ReturnUrlNotAllowedError = defineError(
  'BAD_REQUEST',
  400,
  'returnUrl is not an allowed return URL',
)
