import { defineError } from '@social-bridge/service-kit'

/** Per-user request budget exhausted (@fastify/rate-limit); `details.retryAfterSec` says when to retry. */
export const RateLimitedError = defineError('RATE_LIMITED', 429, 'Too many requests; retry in %s s')
/** An upload without `Content-Length` (e.g. chunked): the size must be known before it is streamed on. */
export const LengthRequiredError = defineError(
  'LENGTH_REQUIRED',
  411,
  'Content-Length is required: send the video with its size',
)
/** An upload declared larger than `MAX_MEDIA_BYTES`; `details` has `declaredBytes` and `maxBytes`. */
export const PayloadTooLargeError = defineError('PAYLOAD_TOO_LARGE', 413, '%s')
