import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Streams } from '@social-bridge/contracts'
import { infrastructurePlugin } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { DispatchConfig } from './config.js'
import { domainPlugin } from './plugins/app/domain.js'
import eventRoutes from './routes/events/index.js'
import webhookEndpointRoutes from './routes/webhook-endpoints/index.js'
import { workersPlugin } from './workers/index.js'

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '..', 'drizzle')

/**
 * webhook-dispatch as a Fastify plugin (never listens; `server.ts` does): the CRM's webhook
 * endpoints, signed durable deliveries of the public events, and their live SSE stream.
 * Registration order: infrastructure, domain, routes, workers (services/README.md).
 */
async function dispatchApp(fastify: FastifyInstance, opts: { config: DispatchConfig }) {
  const { config } = opts
  await fastify.register(infrastructurePlugin, {
    service: 'webhook-dispatch',
    config,
    db: { schema: 'dispatch', migrationsFolder, poolSize: config.DB_POOL_SIZE },
    streams: [Streams.socialEvents, Streams.publicEvents, Streams.deadLetters],
  })
  await fastify.register(domainPlugin, { config })
  await fastify.register(webhookEndpointRoutes)
  await fastify.register(eventRoutes, { heartbeatSec: config.SSE_HEARTBEAT_SEC })
  await fastify.register(workersPlugin, { config })
}

export default fp(dispatchApp, { name: 'webhook-dispatch', fastify: '5.x' })
export { DispatchConfig } from './config.js'
