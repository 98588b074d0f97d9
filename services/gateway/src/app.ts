import { infrastructurePlugin } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import type { GatewayConfig } from './config.js'
import { authenticatePlugin } from './plugins/app/authenticate.js'
import { proxyPlugin } from './plugins/app/proxy.js'
import { consolePlugin } from './plugins/external/console.js'
import { corsPlugin } from './plugins/external/cors.js'
import { crmJwtPlugin } from './plugins/external/crm-jwt.js'
import { docsPlugin } from './plugins/external/docs.js'
import { rateLimitPlugin } from './plugins/external/rate-limit.js'
import v1Routes from './routes/v1/index.js'

export type { GatewayConfig } from './config.js'
export { GatewayConfig as GatewayConfigSchema } from './config.js'

/**
 * The gateway: the public `/v1` API for the CRM. Verifies the CRM's JWT and roles, rate-limits
 * per user, and proxies to the services with an internal identity token; OpenAPI at `/docs`.
 * Never listens (see server.ts).
 */
export default async function app(fastify: FastifyInstance, opts: { config: GatewayConfig }) {
  const { config } = opts
  // the public edge (CRM JWTs, not internal tokens); no database, no NATS
  await fastify.register(infrastructurePlugin, { service: 'gateway', config, internalAuth: false })
  await fastify.register(corsPlugin, { origins: config.CORS_ORIGINS })
  await fastify.register(docsPlugin)
  await fastify.register(consolePlugin)
  await fastify.register(crmJwtPlugin, { config })
  await fastify.register(authenticatePlugin)
  await fastify.register(proxyPlugin, { config })
  await fastify.register(rateLimitPlugin, { perMinute: config.RATE_LIMIT_PER_MINUTE })
  await fastify.register(v1Routes, { prefix: '/v1' })

  for (const [name, base] of [
    ['auth-service', config.AUTH_SERVICE_URL],
    ['publish-service', config.PUBLISH_SERVICE_URL],
    ['analytics-service', config.ANALYTICS_SERVICE_URL],
    ['webhook-dispatch', config.DISPATCH_SERVICE_URL],
  ] as const) {
    fastify.readiness.add(name, async () => {
      const res = await request(`${base.replace(/\/$/, '')}/healthz`, {
        headersTimeout: 1000,
        bodyTimeout: 1000,
      })
      await res.body.dump()
      if (res.statusCode !== 200) throw new Error(`answered ${res.statusCode}`)
    })
  }
}
