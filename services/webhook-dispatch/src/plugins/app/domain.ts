import { createVault, registerMetrics } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { DispatchConfig } from '../../config.js'
import type { RetrySchedule } from '../../domain/retry-schedule.js'
import { createSender, type Sender } from '../../domain/sender.js'
import { createUrlGuard, type UrlGuard } from '../../domain/url-guard.js'
import { dispatchMetrics } from '../../metrics.js'
import {
  createDeliveriesRepository,
  type DeliveriesRepository,
} from '../../repositories/deliveries-repository.js'
import {
  createEndpointsRepository,
  type EndpointsRepository,
} from '../../repositories/endpoints-repository.js'

/** The domain of webhook-dispatch, shared by routes and workers. */
export interface DispatchDomain {
  endpoints: EndpointsRepository
  deliveries: DeliveriesRepository
  guard: UrlGuard
  sender: Sender
  schedule: RetrySchedule
  /** Tells the delivery worker that a delivery became due (set by the workers plugin). */
  nudge(): void
}

declare module 'fastify' {
  interface FastifyInstance {
    dispatch: DispatchDomain
  }
}

/**
 * Builds the vault of signing secrets, the SSRF guard, the sender and the repositories from
 * config and decorates `app.dispatch`. Needs `app.db`.
 * @throws VaultError at start when SECRET_ENCRYPTION_KEYS is malformed.
 */
export const domainPlugin = fp(
  async (app: FastifyInstance, opts: { config: DispatchConfig }) => {
    const { config } = opts
    registerMetrics(app.metrics, dispatchMetrics)
    const vault = createVault({
      keys: config.SECRET_ENCRYPTION_KEYS,
      activeKeyId: config.SECRET_ENCRYPTION_ACTIVE_KEY_ID,
    })
    const guard = createUrlGuard({ allowedHosts: config.WEBHOOK_ALLOWED_HOSTS.split(',') })
    app.decorate('dispatch', {
      endpoints: createEndpointsRepository({
        db: app.db,
        vault,
        overlapSec: config.SECRET_ROTATION_OVERLAP_SEC,
      }),
      deliveries: createDeliveriesRepository({ db: app.db }),
      guard,
      sender: createSender({
        guard,
        timeoutMs: config.DELIVERY_TIMEOUT_MS,
        connections: config.DELIVERY_ENDPOINT_CONCURRENCY,
      }),
      schedule: {
        baseMs: config.DELIVERY_RETRY_BASE_MS,
        maxMs: config.DELIVERY_RETRY_MAX_MS,
        giveUpMs: config.DELIVERY_GIVE_UP_MS,
      },
      nudge: () => {},
    })
  },
  { name: 'dispatch-domain', fastify: '5.x', dependencies: ['sb-db'] },
)
