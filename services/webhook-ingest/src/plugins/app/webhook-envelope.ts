import { createHash } from 'node:crypto'
import { type Envelope, type TikTokWebhookV1, tiktokWebhookSubject } from '@social-bridge/contracts'
import type { WebhookEvent } from '@social-bridge/tiktok-client'

/** An event ready to publish: its subject (un-namespaced) and envelope. */
export interface WebhookMessage {
  /** `tiktok.webhook.<event>`, e.g. `tiktok.webhook.post.publish.complete`. */
  subject: string
  envelope: Envelope<TikTokWebhookV1>
}

/** Hex SHA-256 of the raw body: TikTok sends no event id, so the bytes are the identity. */
export function webhookId(rawBody: Buffer): string {
  return createHash('sha256').update(rawBody).digest('hex')
}

/**
 * Builds the `tiktok.webhook.<event>` v1 envelope (contracts `TikTokWebhookV1`) of a verified
 * delivery: `id` = hex SHA-256 of the raw body (the JetStream msg id, so a redelivery of the same
 * bytes is stored once), `type` = the subject, `tenantId` null (a raw webhook is not tied to a
 * tenant yet), `occurredAt` = TikTok's `create_time` (Unix seconds), `data.content` = the
 * parsed `content` object with ids above 2^53 as strings (REFERENCE.md §4.3–§4.4).
 */
export function toWebhookMessage(rawBody: Buffer, event: WebhookEvent, receivedAt: Date): WebhookMessage {
  const subject = tiktokWebhookSubject(event.event)
  const data: TikTokWebhookV1 = {
    clientKey: event.clientKey,
    event: event.event,
    createTime: event.createTime,
    content: event.content.raw,
    receivedAt: receivedAt.toISOString(),
  }
  if (event.userOpenId !== undefined) data.userOpenId = event.userOpenId
  return {
    subject,
    envelope: {
      id: webhookId(rawBody),
      type: subject,
      version: 1,
      occurredAt: new Date(event.createTime * 1000).toISOString(),
      tenantId: null,
      data,
    },
  }
}
