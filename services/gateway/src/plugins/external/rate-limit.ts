import rateLimit from '@fastify/rate-limit'
import { withDetails } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { RateLimitedError } from '../../errors.js'

/**
 * Per-user rate limiting (@fastify/rate-limit) of every route registered after it: keyed by
 * tenant and CRM user once authenticated (hence the `preHandler` hook), by IP otherwise.
 * In-memory per replica: with N replicas the effective budget is N × `perMinute`.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, opts: { perMinute: number }) => {
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler',
      max: opts.perMinute,
      timeWindow: 60_000,
      keyGenerator: (request) =>
        request.crmUser ? `${request.crmUser.tenantId}:${request.crmUser.userId}` : `ip:${request.ip}`,
      errorResponseBuilder: (_request, context) => {
        const retryAfterSec = Math.ceil(context.ttl / 1000)
        return withDetails(new RateLimitedError(retryAfterSec), { retryAfterSec, limit: context.max })
      },
    })
  },
  { name: 'gateway-rate-limit', fastify: '5.x' },
)
