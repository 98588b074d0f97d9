import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthConfig } from '../config.js'
import { startAccessTokenInvalidation } from './access-token-invalidation.js'
import { startAuthorizationRemovedConsumer } from './authorization-removed.js'
import { createRefreshScheduler, type RefreshScheduler } from './refresh-scheduler.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The refresh scheduler (tests call `runOnce()`). */
    refreshScheduler: RefreshScheduler
  }
}

/**
 * Starts the workers once the app is ready and stops them on close: the access-token cache's
 * invalidation subscription (unless ACCESS_TOKEN_CACHE_TTL_MS is 0), the `authorization.removed`
 * consumer, the outbox relay (service-kit `createOutbox`, swept every 2 s) and the refresh
 * scheduler (REFRESH_SCHEDULER_INTERVAL_MS; 0 = off).
 */
export const workersPlugin = fp(
  async (app: FastifyInstance, { config }: { config: AuthConfig }) => {
    const scheduler = createRefreshScheduler({
      db: app.db,
      refresher: app.auth.refresher,
      outbox: app.auth.outbox,
      intervalMs: config.REFRESH_SCHEDULER_INTERVAL_MS,
      log: app.log,
    })
    app.decorate('refreshScheduler', scheduler)
    const stops: (() => Promise<void>)[] = []
    app.addHook('onReady', async () => {
      if (config.ACCESS_TOKEN_CACHE_TTL_MS > 0) {
        const invalidation = await startAccessTokenInvalidation({
          nc: app.nats.nc,
          namespace: app.nats.namespace,
          cache: app.auth.accessTokenCache,
          log: app.log,
        })
        stops.push(() => invalidation.stop())
      }
      const consumer = await startAuthorizationRemovedConsumer({
        nc: app.nats.nc,
        namespace: app.nats.namespace,
        disconnect: app.auth.disconnect,
        log: app.log,
      })
      stops.push(() => consumer.stop())
      app.auth.outbox.start()
      stops.push(() => app.auth.outbox.stop())
      if (config.REFRESH_SCHEDULER_INTERVAL_MS > 0) {
        scheduler.start()
        stops.push(() => scheduler.stop())
      }
    })
    app.addHook('onClose', async () => {
      await Promise.all(stops.map((s) => s()))
    })
  },
  { name: 'auth-workers', fastify: '5.x', dependencies: ['auth-domain'] },
)
