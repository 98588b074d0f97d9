import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ConnectionIdParams, ErrorResponse, SyncAccepted } from '@social-bridge/contracts'
import { NotFoundError, requireUser, withDetails } from '@social-bridge/service-kit'
import { ConnectionNotActiveError, SyncTooFrequentError } from '../../errors.js'

const ROLES = ['admin', 'social_marketing']

/**
 * `POST /analytics/connections/:id/sync` (gateway `/v1/analytics/connections/:id/sync`): queues a
 * full sync of the account (every tracked video, plus its stats) for the scheduler's next tick
 * and answers 202 `SyncAccepted`. At most once per `MANUAL_SYNC_MIN_INTERVAL_SEC` (5 min) per
 * account across replicas: else 429 `SYNC_TOO_FREQUENT` with `details.retryAfterSec` and
 * `Retry-After`. 409 `CONNECTION_NOT_ACTIVE` for a stale account; 404 for another tenant's id.
 */
const syncRoutes: FastifyPluginAsyncTypebox<{ minIntervalSec: number }> = async (app, opts) => {
  app.post(
    '/analytics/connections/:id/sync',
    {
      schema: {
        params: ConnectionIdParams,
        response: { 202: SyncAccepted, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = requireUser(request, ROLES)
      const outcome = await app.analytics.connections.requestManualSync({
        id: request.params.id,
        tenantId: user.tenantId,
        now: app.analytics.clock(),
        minIntervalMs: opts.minIntervalSec * 1000,
      })
      switch (outcome.kind) {
        case 'not_found':
          throw new NotFoundError('Connection')
        case 'stale':
          throw new ConnectionNotActiveError(outcome.reason)
        case 'too_frequent':
          throw withDetails(new SyncTooFrequentError(opts.minIntervalSec), {
            retryAfterSec: outcome.retryAfterSec,
          })
        case 'accepted':
          return reply
            .status(202)
            .send({ connectionId: request.params.id, queuedAt: outcome.queuedAt.toISOString() })
      }
    },
  )
}

export default syncRoutes
