import { NotFoundError, ServiceUnavailableError, withDetails } from '@social-bridge/service-kit'
import { TikTokError } from '@social-bridge/tiktok-client'
import {
  ConnectionNotActiveError,
  PostingLimitReachedError,
  ReauthRequiredError,
  TikTokRejectedError,
  TikTokUnavailableError,
} from '../errors.js'
import { LeaseError } from '../plugins/external/lease-client.js'
import { LimitReachedError } from './creator-info.js'
import { failMessage } from './fail-reasons.js'
import { QUOTA_LIMITS } from './quota-limits.js'

/**
 * Turns a lease or TikTok failure met while answering the CRM into the public error:
 * lease `not_found` → 404, `reauth_required`/`not_active` → 409, `unavailable` → 503;
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
  if (err instanceof LeaseError) {
    if (err.failure === 'not_found') return new NotFoundError('Connection')
    if (err.failure === 'reauth_required')
      return new ReauthRequiredError('The TikTok account must be reconnected before posting')
    if (err.failure === 'not_active')
      return new ConnectionNotActiveError('The TikTok account is not connected')
    return new ServiceUnavailableError('The account service is unavailable; try again shortly')
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
