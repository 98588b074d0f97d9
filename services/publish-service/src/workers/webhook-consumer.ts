import type { NatsConnection } from '@nats-io/transport-node'
import { type Envelope, Streams, TikTokWebhookV1 } from '@social-bridge/contracts'
import { type DurableConsumer, startDurableConsumer } from '@social-bridge/service-kit'
import type { FastifyBaseLogger } from 'fastify'
import type { TikTokObservation } from '../domain/post-state.js'
import type { PublishDomain } from '../plugins/app/domain.js'

/** Durable consumer name shared by every replica (they split the messages). */
export const WEBHOOK_DURABLE = 'publish-service-post-events'
/** TikTok's Content Posting webhooks (REFERENCE.md §4.4) as webhook-ingest publishes them. */
export const WEBHOOK_FILTER = 'tiktok.webhook.post.publish.>'

/** TikTok post id from a webhook `content` (a string when above 2^53, else maybe a number). */
function idString(v: unknown): string | undefined {
  if (typeof v === 'string' && /^[0-9]{1,20}$/.test(v)) return v
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v)
  return undefined
}

/** Maps a `post.publish.*` event to what it says about the publish; null for events we ignore. */
export function observationFromWebhook(data: TikTokWebhookV1): TikTokObservation | null {
  const c = data.content
  switch (data.event) {
    case 'post.publish.inbox_delivered':
      return { status: 'SEND_TO_USER_INBOX' }
    case 'post.publish.complete':
      return { status: 'PUBLISH_COMPLETE' }
    case 'post.publish.publicly_available': {
      const id = idString(c.post_id)
      return { status: 'PUBLISH_COMPLETE', postIds: id ? [id] : [] }
    }
    case 'post.publish.failed':
      return { status: 'FAILED', failReason: typeof c.reason === 'string' ? c.reason : 'unknown' }
    default:
      return null
  }
}

/**
 * Consumes `tiktok.webhook.post.publish.*` (stream TIKTOK_WEBHOOKS) and applies each event to the
 * post with that `content.publish_id`, shortcutting the status polling. Acked after the change is
 * committed; an unknown publish_id (another system's, or a superseded init) is acked and skipped.
 */
export function startWebhookConsumer(opts: {
  nc: NatsConnection
  namespace: string
  domain: PublishDomain
  log: FastifyBaseLogger
}): Promise<DurableConsumer> {
  return startDurableConsumer<TikTokWebhookV1>({
    nc: opts.nc,
    namespace: opts.namespace,
    stream: Streams.tiktokWebhooks,
    durableName: WEBHOOK_DURABLE,
    filterSubject: WEBHOOK_FILTER,
    payloadSchema: TikTokWebhookV1,
    log: opts.log,
    handler: async (envelope: Envelope<TikTokWebhookV1>) => {
      const publishId = envelope.data.content.publish_id
      const obs = observationFromWebhook(envelope.data)
      if (typeof publishId !== 'string' || !obs) return
      const post = await opts.domain.posts.findByPublishId(publishId)
      // Unknown publish_id: another system's, a superseded init, or one whose init result is not
      // committed yet (the webhook overtook it). Acked and dropped on purpose — not redelivered —
      // because status polling (run by the worker once the publish_id is stored) reaches the same
      // state; the webhook only makes it sooner. Re-applying a known event is a no-op (canMove).
      if (!post) {
        opts.log.info({ publishId, event: envelope.data.event }, 'webhook for an unknown publish_id skipped')
        return
      }
      await opts.domain.postState.applyTikTok(post.id, obs, { cause: 'webhook' })
    },
  })
}
