import { createOutbox, type Outbox, registerMetrics } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthConfig } from '../../config.js'
import { outbox as outboxTable } from '../../db/schema.js'
import { type ConnectService, createConnectService } from '../../domain/connect-service.js'
import { createDisconnectService, type DisconnectService } from '../../domain/disconnect-service.js'
import { createRefresher, type Refresher } from '../../domain/refresher.js'
import { createTokenService, type TokenService } from '../../domain/token-service.js'
import { authMetrics } from '../../metrics.js'
import {
  type ConnectionsRepository,
  createConnectionsRepository,
} from '../../repositories/connections-repository.js'
import { createOAuthStateStore } from '../../repositories/oauth-states.js'

/** auth-service's domain, built from plain factories so workers and commands reuse them. */
export interface AuthDomain {
  connections: ConnectionsRepository
  outbox: Outbox
  refresher: Refresher
  tokens: TokenService
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

/** Decorates `app.auth` (needs db, nats, vault and tiktok). */
export const domainPlugin = fp(
  async (app: FastifyInstance, { config, refreshRetryDelaysMs }: DomainPluginOptions) => {
    const { db, vault, tiktok } = app
    const log = app.log
    const marginSec = config.REFRESH_MARGIN_SEC
    registerMetrics(app.metrics, authMetrics)
    const connections = createConnectionsRepository({ db })
    const outbox = createOutbox({
      db,
      table: outboxTable,
      bus: app.nats.bus,
      log,
      sweepMs: 2000,
      metrics: app.metrics,
    })
    const refresher = createRefresher({ tiktok, vault, outbox, marginSec, log })
    app.decorate('auth', {
      connections,
      outbox,
      refresher,
      tokens: createTokenService({
        db,
        vault,
        repo: connections,
        refresher,
        outbox,
        marginSec,
        log,
        ...(refreshRetryDelaysMs ? { retryDelaysMs: refreshRetryDelaysMs } : {}),
      }),
      connect: createConnectService({
        db,
        tiktok,
        vault,
        outbox,
        states: createOAuthStateStore({ db, vault }),
        scopes: config.TIKTOK_SCOPES.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        marginSec,
        log,
      }),
      disconnect: createDisconnectService({ db, tiktok, vault, outbox, log }),
    })
  },
  { name: 'auth-domain', fastify: '5.x', dependencies: ['sb-db', 'sb-nats', 'auth-vault', 'sb-tiktok'] },
)
