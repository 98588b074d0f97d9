import type { NatsConnection } from '@nats-io/transport-node'
import { TikTokWebhookFilters } from '@social-bridge/contracts'
import { type DurableConsumer, startTikTokWebhookConsumer } from '@social-bridge/service-kit'
import type { DisconnectService } from '../domain/disconnect-service.js'

/** Durable consumer name shared by every auth-service replica. */
export const AUTHORIZATION_REMOVED_DURABLE = 'auth-service-authorization-removed'

/**
 * Consumes `tiktok.webhook.authorization.removed` (docs/tiktok-api.md §4.4; as contracts payload v2,
 * service-kit's `startTikTokWebhookConsumer`): every connection of the webhook's `userOpenId`
 * becomes `revoked` (its token is already dead) unless it was reconnected since the event's `createTime`
 * (see `DisconnectService.markRevoked`), acked only after the change committed. Idempotent: a
 * redelivery finds nothing left to change.
 */
export function startAuthorizationRemovedConsumer(opts: {
  nc: NatsConnection
  namespace: string
  disconnect: DisconnectService
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}): Promise<DurableConsumer> {
  return startTikTokWebhookConsumer({
    nc: opts.nc,
    namespace: opts.namespace,
    durableName: AUTHORIZATION_REMOVED_DURABLE,
    filterSubject: TikTokWebhookFilters.authorizationRemoved,
    ...(opts.log ? { log: opts.log } : {}),
    handler: async (event, envelope) => {
      if (!event.userOpenId) {
        opts.log?.warn({ eventId: envelope.id }, 'authorization.removed without user_openid ignored')
        return
      }
      // authorization.removed's reason is an integer (0–5); any other value is no reason
      const { reason } = event.content
      await opts.disconnect.markRevoked(
        event.userOpenId,
        typeof reason === 'number' ? reason : undefined,
        event.createTime,
      )
    },
  })
}
