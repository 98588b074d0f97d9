import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** The origins of a `CORS_ORIGINS` setting (comma-separated), without blanks or a trailing slash. */
export function corsOrigins(setting: string | undefined): string[] {
  return (setting ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter(Boolean)
}

/**
 * CORS for the CRM pages that embed the elements (@fastify/cors): only the configured origins,
 * with credentials (the OAuth state cookie), the headers the elements send, and `Retry-After`
 * and `x-request-id` readable. Other origins get no CORS headers, so browsers block their reads.
 */
export const corsPlugin = fp(
  async (app: FastifyInstance, opts: { origins: string | undefined }) => {
    const allowed = new Set(corsOrigins(opts.origins))
    await app.register(cors, {
      origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
      credentials: true,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id', 'accept'],
      exposedHeaders: ['retry-after', 'x-request-id'],
      maxAge: 600,
    })
  },
  { name: 'gateway-cors', fastify: '5.x' },
)
