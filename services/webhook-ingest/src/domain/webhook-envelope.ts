import { hash } from 'node:crypto'
import {
  type Envelope,
  isTikTokPostId,
  TIKTOK_WEBHOOK_VERSION,
  type TikTokWebhookV2,
  tiktokWebhookSubject,
} from '@social-bridge/contracts'
import type { WebhookEvent } from '@social-bridge/tiktok-client'

/** An event ready to publish: its subject (un-namespaced) and envelope. */
export interface WebhookMessage {
  /** `tiktok.webhook.<event>`, e.g. `tiktok.webhook.post.publish.complete`. */
  subject: string
  envelope: Envelope<TikTokWebhookV2>
}

/** Event names that can be a subject's tail as they are: dotted words of letters, digits, `_` and `-`. */
const SUBJECT_SAFE_EVENT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/
const MAX_EVENT_NAME_LENGTH = 128

/** The event name under which events that do not fit the subject token rules are stored. */
export const UNKNOWN_EVENT_TOKEN = 'unknown'

/**
 * `tiktok.webhook.<event>` for TikTok's dotted event name; a name that cannot be a NATS subject
 * (wildcards, spaces, empty tokens, over 128 characters) goes to `tiktok.webhook.unknown`, so a
 * verified event is never refused for its name (its `data.event` keeps the name as sent).
 */
export function webhookSubjectFor(event: string): string {
  const safe = event.length <= MAX_EVENT_NAME_LENGTH && SUBJECT_SAFE_EVENT.test(event)
  return tiktokWebhookSubject(safe ? event : UNKNOWN_EVENT_TOKEN)
}

/**
 * Hex SHA-256 of the raw body: TikTok sends no event id, so the bytes are the identity.
 * One-shot `crypto.hash` (Node ≥ 20.12): no Hash object per delivery.
 */
export function webhookId(rawBody: Buffer): string {
  return hash('sha256', rawBody, 'hex')
}

/**
 * Builds the `tiktok.webhook.<event>` v2 envelope (contracts `TikTokWebhookV2`) of a verified
 * delivery (subject from {@link webhookSubjectFor}): `id` = hex SHA-256 of the raw body (the
 * JetStream msg id, so a redelivery of the same bytes is stored once), `type` = the subject,
 * `version` 2, `tenantId` null (a webhook is not tied to a tenant yet), `occurredAt` = TikTok's
 * `create_time` (Unix seconds), `data.content` = tiktok-client's normalised content (camelCase,
 * `postId` a decimal string, docs/tiktok-api.md §4.3–§4.4) with every key TikTok sent in
 * `content.raw` (`{}` when the body has no `content`: §4.3 shows it in every example but does not
 * say it is always sent). A `post_id` that is not an id is left in `raw` only, so the event still
 * matches the contract and reaches its consumers.
 */
export function toWebhookMessage(rawBody: Buffer, event: WebhookEvent, receivedAt: Date): WebhookMessage {
  const subject = webhookSubjectFor(event.event)
  const { postId, ...content } = event.content
  const data: TikTokWebhookV2 = {
    clientKey: event.clientKey,
    event: event.event,
    createTime: event.createTime,
    content: postId !== undefined && isTikTokPostId(postId) ? { ...content, postId } : content,
    receivedAt: receivedAt.toISOString(),
  }
  if (event.userOpenId !== undefined) data.userOpenId = event.userOpenId
  return {
    subject,
    envelope: {
      id: webhookId(rawBody),
      type: subject,
      version: TIKTOK_WEBHOOK_VERSION,
      occurredAt: new Date(event.createTime * 1000).toISOString(),
      tenantId: null,
      data,
    },
  }
}
