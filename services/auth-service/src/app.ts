import { fileURLToPath } from 'node:url'
import cookie from '@fastify/cookie'
import { Streams } from '@social-bridge/contracts'
import { instagramClientPlugin } from '@social-bridge/instagram-client/fastify'
import { infrastructurePlugin } from '@social-bridge/service-kit'
import { tiktokClientPlugin } from '@social-bridge/tiktok-client/fastify'
import { tiktokShopClientPlugin } from '@social-bridge/tiktok-shop-client/fastify'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthConfig } from './config.js'
import { domainPlugin } from './plugins/app/domain.js'
import { vaultPlugin } from './plugins/external/vault.js'
import connectionsRoutes from './routes/connections/index.js'
import internalRoutes from './routes/internal/index.js'
import { workersPlugin } from './workers/index.js'

/** Options of the auth-service app plugin. */
export interface AuthAppOptions {
  /** Validated configuration (`loadConfig(AuthConfig)`, or an object built in a test). */
  config: AuthConfig
  /** Delays between in-request retries of a transient refresh failure, ms (default [200, 1000]). */
  refreshRetryDelaysMs?: number[]
}

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url))

/**
 * auth-service as a Fastify plugin that never listens (CONVENTIONS.md 1): provider OAuth connect
 * (TikTok, TikTok Shop and Instagram when configured),
 * the encrypted token vault, access-token hand-out and refresh, disconnect/revoke. Register it on a Fastify
 * built with service-kit's `createFastifyOptions`; importing this module has no side effects.
 * Wrapped in fastify-plugin so `app.auth`, `app.db`… are visible to tests.
 */
async function authApp(app: FastifyInstance, opts: AuthAppOptions) {
  const { config } = opts
  // infrastructure
  await app.register(infrastructurePlugin, {
    service: 'auth-service',
    config,
    db: { schema: 'auth', migrationsFolder, poolSize: config.DB_POOL_SIZE },
    streams: [Streams.socialEvents, Streams.tiktokWebhooks, Streams.deadLetters],
  })
  await app.register(cookie, { secret: config.OAUTH_COOKIE_SECRET })
  // external
  await app.register(vaultPlugin, { config })
  await app.register(tiktokClientPlugin, {
    clientKey: config.TIKTOK_CLIENT_KEY,
    clientSecret: config.TIKTOK_CLIENT_SECRET,
    redirectUri: config.TIKTOK_REDIRECT_URI,
    authBaseUrl: config.TIKTOK_AUTH_BASE_URL,
    apiBaseUrl: config.TIKTOK_API_BASE_URL,
    connections: 64,
  })
  if (config.TIKTOK_SHOP_APP_KEY && config.TIKTOK_SHOP_APP_SECRET && config.TIKTOK_SHOP_SERVICE_ID) {
    await app.register(tiktokShopClientPlugin, {
      appKey: config.TIKTOK_SHOP_APP_KEY,
      appSecret: config.TIKTOK_SHOP_APP_SECRET,
      serviceId: config.TIKTOK_SHOP_SERVICE_ID,
      authorizeBaseUrl: config.TIKTOK_SHOP_AUTHORIZE_BASE_URL,
      authBaseUrl: config.TIKTOK_SHOP_AUTH_BASE_URL,
      apiBaseUrl: config.TIKTOK_SHOP_API_BASE_URL,
    })
  }
  if (config.INSTAGRAM_APP_ID && config.INSTAGRAM_APP_SECRET && config.INSTAGRAM_REDIRECT_URI) {
    await app.register(instagramClientPlugin, {
      appId: config.INSTAGRAM_APP_ID,
      appSecret: config.INSTAGRAM_APP_SECRET,
      authorizeBaseUrl: config.INSTAGRAM_AUTHORIZE_BASE_URL,
      apiBaseUrl: config.INSTAGRAM_API_BASE_URL,
      graphBaseUrl: config.INSTAGRAM_GRAPH_BASE_URL,
    })
  }
  // domain
  await app.register(domainPlugin, {
    config,
    ...(opts.refreshRetryDelaysMs ? { refreshRetryDelaysMs: opts.refreshRetryDelaysMs } : {}),
  })
  // routes
  await app.register(connectionsRoutes, { config })
  await app.register(internalRoutes)
  // workers
  await app.register(workersPlugin, { config })
}

export default fp(authApp, { name: 'auth-service', fastify: '5.x' })
