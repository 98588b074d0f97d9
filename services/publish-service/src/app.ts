import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { authClientPlugin } from '@social-bridge/auth-client'
import { Streams } from '@social-bridge/contracts'
import { instagramClientPlugin } from '@social-bridge/instagram-client/fastify'
import { infrastructurePlugin } from '@social-bridge/service-kit'
import { tiktokClientPlugin } from '@social-bridge/tiktok-client/fastify'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { PublishConfig } from './config.js'
import { domainPlugin } from './plugins/app/domain.js'
import { mediaStorePlugin } from './plugins/external/media-store.js'
import connectionRoutes from './routes/connections/index.js'
import mediaRoutes from './routes/media/index.js'
import postsRoutes from './routes/posts/index.js'
import publicMediaRoutes, { PUBLIC_MEDIA_ROUTE } from './routes/public-media/index.js'
import type { WorkerHooks } from './workers/deps.js'
import { workersPlugin } from './workers/index.js'

/** The object-store put the media intake uses, for the media-intake benchmark's plain-put baseline. */
export { OBJECT_CHUNK_BYTES, OBJECT_PUT_WINDOW } from './plugins/external/media-store.js'
export { type PutObjectOptions, type PutObjectResult, putObject } from './plugins/external/object-put.js'

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '..', 'drizzle')

/** Options of the publish-service app plugin. */
export interface PublishAppOptions {
  config: PublishConfig
  /** Worker observation hooks (tests). */
  workerHooks?: WorkerHooks
}

declare module 'fastify' {
  interface FastifyInstance {
    publishConfig: PublishConfig
  }
}

/**
 * publish-service (issue 5): media intake, posts, creator_info checks, the publish worker,
 * status from polling and webhooks; Instagram Reels (issue 19). A Fastify plugin that never listens (server.ts does); wrapped
 * in fastify-plugin so `app.publish`, `app.db`… are visible to tests and the benchmark.
 */
async function publishApp(fastify: FastifyInstance, opts: PublishAppOptions): Promise<void> {
  const { config } = opts
  fastify.decorate('publishConfig', config)
  // infrastructure
  await fastify.register(infrastructurePlugin, {
    service: 'publish-service',
    config,
    db: { schema: 'publish', migrationsFolder, poolSize: config.DB_POOL_SIZE },
    publicPaths: [PUBLIC_MEDIA_ROUTE],
    streams: [Streams.tiktokWebhooks, Streams.socialEvents, Streams.deadLetters],
  })
  // external
  await fastify.register(mediaStorePlugin, { bucket: config.MEDIA_BUCKET })
  await fastify.register(authClientPlugin, {
    baseUrl: config.AUTH_SERVICE_URL,
    internalJwtSecret: config.INTERNAL_JWT_SECRET,
    service: 'publish-service',
  })
  await fastify.register(tiktokClientPlugin, {
    clientKey: config.TIKTOK_CLIENT_KEY,
    clientSecret: config.TIKTOK_CLIENT_SECRET,
    apiBaseUrl: config.TIKTOK_API_BASE_URL,
    rateLimitBackoffMs: config.TIKTOK_RATE_LIMIT_BACKOFF_MS,
  })
  // Reels publishing only: publish-service never calls Instagram's token endpoints, so it holds no app secret.
  await fastify.register(instagramClientPlugin, {
    appId: '',
    appSecret: '',
    graphBaseUrl: config.INSTAGRAM_GRAPH_BASE_URL,
  })
  // domain
  await fastify.register(domainPlugin, { config })
  // routes
  await fastify.register(mediaRoutes)
  await fastify.register(postsRoutes)
  await fastify.register(connectionRoutes)
  await fastify.register(publicMediaRoutes)
  // workers
  await fastify.register(workersPlugin, { config, hooks: opts.workerHooks })
}

export default fp(publishApp, { name: 'publish-service', fastify: '5.x' })
