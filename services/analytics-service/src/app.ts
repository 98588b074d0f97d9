import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { authClientPlugin } from '@social-bridge/auth-client'
import { Streams } from '@social-bridge/contracts'
import { instagramClientPlugin } from '@social-bridge/instagram-client/fastify'
import { infrastructurePlugin } from '@social-bridge/service-kit'
import { tiktokClientPlugin } from '@social-bridge/tiktok-client/fastify'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AnalyticsConfig } from './config.js'
import { domainPlugin } from './plugins/app/domain.js'
import { pgPlugin } from './plugins/external/pg.js'
import analyticsRoutes from './routes/analytics/index.js'
import postRoutes from './routes/posts/index.js'
import { workersPlugin } from './workers/index.js'

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '..', 'drizzle')

/** Options of the app plugin: the validated config, and optionally the app clock (tests follow the sandbox's). */
export interface AppOptions {
  config: AnalyticsConfig
  /** Clock for cadence, due times and measured_at. Default: the system clock. */
  clock?: () => Date
}

/**
 * analytics-service as a Fastify plugin (never listens; `server.ts` does). Registration order:
 * infrastructure, external clients, domain, routes, workers (services/README.md). Wrapped in
 * fastify-plugin so `app.analytics`, `app.scheduler`, `app.pg` are visible to tests and benchmarks.
 */
async function analyticsApp(fastify: FastifyInstance, opts: AppOptions) {
  const { config } = opts
  await fastify.register(infrastructurePlugin, {
    service: 'analytics-service',
    config,
    // the one pool: raw SQL repositories bind and read Date (app.pg = app.sql)
    db: { schema: 'analytics', migrationsFolder, poolSize: config.DB_POOL_SIZE, rawDates: 'date' },
    streams: [Streams.socialEvents, Streams.tiktokWebhooks, Streams.instagramWebhooks, Streams.deadLetters],
  })
  await fastify.register(pgPlugin)
  // the Display API needs only the user's access token, no client secret (docs/tiktok-api.md §2)
  await fastify.register(tiktokClientPlugin, {
    clientKey: config.TIKTOK_CLIENT_KEY,
    clientSecret: '',
    apiBaseUrl: config.TIKTOK_API_BASE_URL,
    connections: 32,
  })
  // insights and comments need only the user's access token: no app id or secret
  // (docs/instagram-api.md "Insights", "Comments")
  await fastify.register(instagramClientPlugin, {
    appId: '',
    appSecret: '',
    graphBaseUrl: config.INSTAGRAM_GRAPH_BASE_URL,
    connections: 16,
  })
  await fastify.register(authClientPlugin, {
    baseUrl: config.AUTH_SERVICE_URL,
    internalJwtSecret: config.INTERNAL_JWT_SECRET,
    service: 'analytics-service',
  })
  await fastify.register(domainPlugin, { config, clock: opts.clock })
  await fastify.register(analyticsRoutes, { config })
  await fastify.register(postRoutes)
  await fastify.register(workersPlugin, { config })
}

export default fp(analyticsApp, { name: 'analytics-service', fastify: '5.x' })
