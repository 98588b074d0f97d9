import type { NatsConnection } from '@nats-io/transport-node'
import { Streams, TikTokWebhookV1, tiktokWebhookSubject } from '@social-bridge/contracts'
import { type DurableConsumer, startDurableConsumer } from '@social-bridge/service-kit'
import type { DisconnectService } from '../domain/disconnect-service.js'

/** Durable consumer name shared by every auth-service replica. */
export const AUTHORIZATION_REMOVED_DURABLE = 'auth-service-authorization-removed'

/**
 * Consumes `tiktok.webhook.authorization.removed` (REFERENCE.md §4.4): every connection of the
 * webhook's `user_openid` becomes `revoked` (its token is already dead) unless it was reconnected
 * since the event's `create_time` (see `DisconnectService.markRevoked`), acked only after the
 * change committed. Idempotent: a redelivery finds nothing left to change.
 */
export function startAuthorizationRemovedConsumer(opts: {
  nc: NatsConnection
  namespace: string
  disconnect: DisconnectService
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}): Promise<DurableConsumer> {
  return startDurableConsumer<TikTokWebhookV1>({
    nc: opts.nc,
    namespace: opts.namespace,
    stream: Streams.tiktokWebhooks,
    durableName: AUTHORIZATION_REMOVED_DURABLE,
    filterSubject: tiktokWebhookSubject('authorization.removed'),
    payloadSchema: TikTokWebhookV1,
    ...(opts.log ? { log: opts.log } : {}),
    handler: async (envelope) => {
      const openId = envelope.data.userOpenId
      if (!openId) {
        opts.log?.warn({ eventId: envelope.id }, 'authorization.removed without user_openid ignored')
        return
      }
      const reason = envelope.data.content.reason
      await opts.disconnect.markRevoked(
        openId,
        typeof reason === 'number' ? reason : undefined,
        envelope.data.createTime,
      )
    },
  })
}
