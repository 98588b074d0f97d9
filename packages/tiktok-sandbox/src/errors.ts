/**
 * Errors thrown by route handlers; the app's error handler renders them in TikTok's shapes.
 */

/** A v2 API error → `{data:{}, error:{code, message, log_id}}` with `httpStatus` (docs/tiktok-api.md §2.1). */
export class TikTokApiError extends Error {
  override name = 'TikTokApiError'
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** An OAuth error → flat `{error, error_description, log_id}` (docs/tiktok-api.md §1.6). */
export class OAuthError extends Error {
  override name = 'OAuthError'
  /** `httpStatus` overrides `settings.oauthErrorHttpStatus` (used for injected 5xx faults). */
  constructor(
    readonly error: string,
    readonly description: string,
    readonly httpStatus?: number,
  ) {
    super(description)
  }
}

/** Thrown by `approve()`/`deny()` when the authorize request cannot redirect (bad client or redirect_uri). */
export class AuthorizeRequestError extends Error {
  override name = 'AuthorizeRequestError'
  constructor(
    readonly error: string,
    message: string,
  ) {
    super(message)
  }
}

/** Common v2 errors. */
export const apiErrors = {
  tokenInvalid: () =>
    new TikTokApiError(
      401,
      'access_token_invalid',
      'The access token is invalid or not found in the request.',
    ),
  scopeNotAuthorized: (scope: string) =>
    new TikTokApiError(
      401,
      'scope_not_authorized',
      `The user did not authorize the scope required for completing this request: ${scope}.`,
    ),
  invalidParams: (message: string, code = 'invalid_params') => new TikTokApiError(400, code, message),
  rateLimited: () =>
    new TikTokApiError(
      429,
      'rate_limit_exceeded',
      'The API rate limit was exceeded. Please try again later.',
    ),
  internal: (status = 500) =>
    new TikTokApiError(status, 'internal_error', 'Something went wrong. Please try again later.'),
}
