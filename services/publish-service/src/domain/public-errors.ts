import { AuthClientError } from '@social-bridge/auth-client'
import { NotFoundError, ServiceUnavailableError, withDetails } from '@social-bridge/service-kit'
import { TikTokError } from '@social-bridge/tiktok-client'
import {
  ConnectionNotActiveError,
  PostingLimitReachedError,
  ReauthRequiredError,
  TikTokRejectedError,
  TikTokUnavailableError,
} from '../errors.js'
import { LimitReachedError } from './creator-info.js'
import { failMessage } from './fail-reasons.js'
import { QUOTA_LIMITS } from './quota-limits.js'

/**
 * Turns an auth-service or TikTok failure met while answering the CRM into the public error:
 * AuthClientError `NOT_FOUND` → 404, `REAUTH_REQUIRED`/`CONNECTION_NOT_ACTIVE` → 409,
 * `SERVICE_UNAVAILABLE` → 503 (with auth-service's Retry-After as `retryAfterSec` when it sent one);
 * TikTok `rate_limited` → 429 `POSTING_LIMIT_REACHED` (with `retryAfterSec`), `retryable` → 503
 * `TIKTOK_UNAVAILABLE`, anything else → 422 `TIKTOK_REJECTED` with TikTok's code and a sentence;
 * a per-token limit of ours used up (LimitReachedError, nothing sent to TikTok) → 429
 * `POSTING_LIMIT_REACHED` with `retryAfterSec` (the error handler adds Retry-After).
 * Other errors are returned unchanged.
 */
export function toPublicError(err: unknown): unknown {
  if (err instanceof LimitReachedError) {
    const { limit, windowSec } = QUOTA_LIMITS[err.kind]
    return withDetails(
      new PostingLimitReachedError(
        `TikTok allows ${limit} ${err.kind.replace('_', ' ')} calls per ${windowSec} seconds for this account; try again in ${err.retryAfterSec} seconds`,
      ),
      { retryAfterSec: err.retryAfterSec, limit: `${err.kind}_per_minute`, max: limit },
    )
  }
  if (err instanceof AuthClientError) {
    if (err.code === 'NOT_FOUND') return new NotFoundError('Connection')
    if (err.code === 'REAUTH_REQUIRED')
      return new ReauthRequiredError('The TikTok account must be reconnected before posting')
    if (err.code === 'CONNECTION_NOT_ACTIVE')
      return new ConnectionNotActiveError('The TikTok account is not connected')
    const unavailable = new ServiceUnavailableError('The account service is unavailable; try again shortly')
    return err.retryAfterMs === undefined
      ? unavailable
      : withDetails(unavailable, { retryAfterSec: Math.max(1, Math.ceil(err.retryAfterMs / 1000)) })
  }
  if (err instanceof TikTokError) {
    if (err.category === 'rate_limited') {
      const retryAfterSec = Math.ceil((err.retryAfterMs ?? 60_000) / 1000)
      return withDetails(
        new PostingLimitReachedError('TikTok is limiting requests for this account; try again later'),
        {
          retryAfterSec,
          limit: 'tiktok_rate_limit',
        },
      )
    }
    if (err.category === 'retryable')
      return new TikTokUnavailableError('TikTok is unavailable; try again shortly')
    const code = err.tiktokCode ?? err.code
    return withDetails(new TikTokRejectedError(failMessage(code)), { tiktokCode: code })
  }
  return err
}

/**
 * Runs `work` (a call to auth-service or TikTok made while answering the CRM) and rethrows its
 * failure as the public error of {@link toPublicError}.
 */
export async function withPublicErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    throw toPublicError(err)
  }
}
