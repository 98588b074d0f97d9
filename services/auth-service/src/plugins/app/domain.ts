import { createOutbox, type Database, type Outbox, registerMetrics } from '@social-bridge/service-kit'
import { drizzle } from 'drizzle-orm/postgres-js'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import postgres from 'postgres'
import type { AuthConfig } from '../../config.js'
import { outbox as outboxTable } from '../../db/schema.js'
import { type AccessTokenCache, createAccessTokenCache } from '../../domain/access-token-cache.js'
import { type ConnectService, createConnectService } from '../../domain/connect-service.js'
import { createDisconnectService, type DisconnectService } from '../../domain/disconnect-service.js'
import type { ProviderRegistry } from '../../domain/providers/provider.js'
import { createProviderRegistry } from '../../domain/providers/registry.js'
import { createRefresher, type Refresher } from '../../domain/refresher.js'
import { createTokenService, type TokenService } from '../../domain/token-service.js'
import { authMetrics } from '../../metrics.js'
import {
  type ConnectionsRepository,
  createConnectionsRepository,
} from '../../repositories/connections-repository.js'
import { createOAuthStateStore } from '../../repositories/oauth-states.js'
import { createShopsRepository, type ShopsRepository } from '../../repositories/shops-repository.js'

/** auth-service's domain, built from plain factories so workers and commands reuse them. */
export interface AuthDomain {
  connections: ConnectionsRepository
  /** TikTok Shop shops of `tiktok_shop` connections. */
  shops: ShopsRepository
  /** The configured providers (services/README.md "Providers"). */
  providers: ProviderRegistry
  outbox: Outbox
  refresher: Refresher
  tokens: TokenService
  /** This replica's access-token cache (off until the workers' invalidation subscription is live). */
  accessTokenCache: AccessTokenCache
  connect: ConnectService
  disconnect: DisconnectService
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthDomain
  }
}

/** Options of the domain plugin; `refreshRetryDelaysMs` shortens in-request retries in tests. */
export interface DomainPluginOptions {
  config: AuthConfig
  refreshRetryDelaysMs?: number[]
}

/** Decorates `app.auth` (needs db, nats, vault and tiktok; uses `app.tiktokShop`, `app.instagram` when registered). */
export const domainPlugin = fp(
  async (app: FastifyInstance, { config, refreshRetryDelaysMs }: DomainPluginOptions) => {
    const { db, vault, tiktok } = app
    const log = app.log
    const marginSec = config.REFRESH_MARGIN_SEC
    registerMetrics(app.metrics, authMetrics)
    const connections = createConnectionsRepository({ db })
    const shops = createShopsRepository({ db })
    const providers = createProviderRegistry({
      tiktok,
      tiktokScopes: config.TIKTOK_SCOPES.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      tiktokShop: app.hasDecorator('tiktokShop') ? app.tiktokShop : undefined,
      instagram:
        app.hasDecorator('instagram') && config.INSTAGRAM_REDIRECT_URI
          ? { client: app.instagram, redirectUri: config.INSTAGRAM_REDIRECT_URI }
          : undefined,
      shops,
      log,
    })
    const outbox = createOutbox({
      db,
      table: outboxTable,
      bus: app.nats.bus,
      log,
      sweepMs: 2000,
      metrics: app.metrics,
    })
    // The refresh journal's own pool: it commits while a refresh's transaction holds a main-pool connection.
    const journalSql = postgres(config.DATABASE_URL, {
      max: 1,
      idle_timeout: 60,
      onnotice: () => {},
      connect_timeout: 5,
    })
    app.addHook('onClose', async () => {
      await journalSql.end({ timeout: 5 })
    })
    const journal = drizzle(journalSql) as Database
    const refresher = createRefresher({ providers, vault, outbox, journal, marginSec, log })
    const accessTokenCache = createAccessTokenCache({ ttlMs: config.ACCESS_TOKEN_CACHE_TTL_MS })
    app.decorate('auth', {
      connections,
      shops,
      providers,
      outbox,
      refresher,
      accessTokenCache,
      tokens: createTokenService({
        db,
        vault,
        repo: connections,
        refresher,
        outbox,
        cache: accessTokenCache,
        marginSec,
        log,
        ...(refreshRetryDelaysMs ? { retryDelaysMs: refreshRetryDelaysMs } : {}),
      }),
      connect: createConnectService({
        db,
        providers,
        vault,
        outbox,
        states: createOAuthStateStore({ db, vault }),
        marginSec,
        log,
      }),
      disconnect: createDisconnectService({ db, providers, vault, outbox, cache: accessTokenCache, log }),
    })
  },
  { name: 'auth-domain', fastify: '5.x', dependencies: ['sb-db', 'sb-nats', 'auth-vault', 'sb-tiktok'] },
)
