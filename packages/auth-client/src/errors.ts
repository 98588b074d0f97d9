import { ErrorCodes } from '@social-bridge/contracts'

/**
 * Codes of {@link AuthClientError}, taken from contracts `ErrorCodes`:
 * - `NOT_FOUND`: unknown connection, or not the given tenant's (auth-service 404);
 * - `REAUTH_REQUIRED`: TikTok refused the refresh token, a user must reconnect (409);
 * - `CONNECTION_NOT_ACTIVE`: disconnected or revoked (409);
 * - `SERVICE_UNAVAILABLE`: auth-service unreachable, timed out or answering anything else (its 503
 *   `TIKTOK_UNAVAILABLE` when TikTok's refresh is down, a 5xx, a refused service token…): retry later.
 */
export const AUTH_CLIENT_ERROR_CODES = [
  ErrorCodes.NOT_FOUND,
  ErrorCodes.REAUTH_REQUIRED,
  ErrorCodes.CONNECTION_NOT_ACTIVE,
  ErrorCodes.SERVICE_UNAVAILABLE,
] as const

/** One of {@link AUTH_CLIENT_ERROR_CODES}. */
export type AuthClientErrorCode = (typeof AUTH_CLIENT_ERROR_CODES)[number]

/** Constructor options of {@link AuthClientError}. */
export interface AuthClientErrorOptions {
  /** HTTP status auth-service answered, when it answered. */
  httpStatus?: number | undefined
  /** auth-service's `Retry-After`, in ms (its 503 `TIKTOK_UNAVAILABLE` carries one). */
  retryAfterMs?: number | undefined
  cause?: unknown
}

/**
 * A call to auth-service's internal API that did not give what was asked. Its message names the
 * connection and auth-service's status and code; it never holds a token.
 */
export class AuthClientError extends Error {
  override name = 'AuthClientError'
  readonly code: AuthClientErrorCode
  readonly httpStatus: number | undefined
  readonly retryAfterMs: number | undefined

  constructor(code: AuthClientErrorCode, message: string, options: AuthClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.httpStatus = options.httpStatus
    this.retryAfterMs = options.retryAfterMs
  }

  /**
   * True when asking again later may work (`SERVICE_UNAVAILABLE`, wait at least `retryAfterMs`
   * when set); false when the connection itself cannot be used (not found, reauth, not active).
   */
  get retryable(): boolean {
    return this.code === ErrorCodes.SERVICE_UNAVAILABLE
  }
}
