import type { NatsConnection } from '@nats-io/transport-node'
import { TikTokWebhookFilters, type TikTokWebhookV2 } from '@social-bridge/contracts'
import { type DurableConsumer, startTikTokWebhookConsumer } from '@social-bridge/service-kit'
import type { FastifyBaseLogger } from 'fastify'
import type { TikTokObservation } from '../domain/post-state.js'
import type { PublishDomain } from '../plugins/app/domain.js'

/** Durable consumer name shared by every replica (they split the messages). */
export const WEBHOOK_DURABLE = 'publish-service-post-events'
/** Maps a `post.publish.*` event (docs/tiktok-api.md §4.4) to what it says about the publish; null for events we ignore. */
export function observationFromWebhook(data: TikTokWebhookV2): TikTokObservation | null {
  const c = data.content
  switch (data.event) {
    case 'post.publish.inbox_delivered':
      return { status: 'SEND_TO_USER_INBOX' }
    case 'post.publish.complete':
      return { status: 'PUBLISH_COMPLETE' }
    case 'post.publish.publicly_available': {
      return { status: 'PUBLISH_COMPLETE', postIds: c.postId ? [c.postId] : [] }
    }
    case 'post.publish.failed':
      // post.publish.failed's reason is TikTok's fail_reason string
      return { status: 'FAILED', failReason: typeof c.reason === 'string' ? c.reason : 'unknown' }
    default:
      return null
  }
}

/**
 * Consumes `tiktok.webhook.post.publish.*` (as contracts payload v2, service-kit's
 * `startTikTokWebhookConsumer`) and applies each event to the post with that
 * `content.publishId`, shortcutting the status polling. Acked after the change is committed; an
 * unknown publish_id (another system's, or a superseded init) is acked and skipped.
 */
export function startWebhookConsumer(opts: {
  nc: NatsConnection
  namespace: string
  domain: PublishDomain
  log: FastifyBaseLogger
}): Promise<DurableConsumer> {
  return startTikTokWebhookConsumer({
    nc: opts.nc,
    namespace: opts.namespace,
    durableName: WEBHOOK_DURABLE,
    filterSubject: TikTokWebhookFilters.postPublish,
    log: opts.log,
    handler: async (event) => {
      const { publishId } = event.content
      const obs = observationFromWebhook(event)
      if (publishId === undefined || !obs) return
      const post = await opts.domain.posts.findByPublishId(publishId)
      // Unknown publish_id: another system's, a superseded init, or one whose init result is not
      // committed yet (the webhook overtook it). Acked and dropped on purpose — not redelivered —
      // because status polling (run by the worker once the publish_id is stored) reaches the same
      // state; the webhook only makes it sooner. Re-applying a known event is a no-op (canMove).
      if (!post) {
        opts.log.info({ publishId, event: event.event }, 'webhook for an unknown publish_id skipped')
        return
      }
      await opts.domain.postState.applyTikTok(post.id, obs, { cause: 'webhook' })
    },
  })
}
