import { defineError } from '@social-bridge/service-kit'

/** Per-user request budget exhausted (@fastify/rate-limit); `details.retryAfterSec` says when to retry. */
export const RateLimitedError = defineError('RATE_LIMITED', 429, 'Too many requests; retry in %s s')
