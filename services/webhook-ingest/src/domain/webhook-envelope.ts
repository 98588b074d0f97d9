import { createHash } from 'node:crypto'
import { type Envelope, type TikTokWebhookV1, tiktokWebhookSubject } from '@social-bridge/contracts'
import type { WebhookEvent } from '@social-bridge/tiktok-client'

/** An event ready to publish: its subject (un-namespaced) and envelope. */
export interface WebhookMessage {
  /** `tiktok.webhook.<event>`, e.g. `tiktok.webhook.post.publish.complete`. */
  subject: string
  envelope: Envelope<TikTokWebhookV1>
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

/** Hex SHA-256 of the raw body: TikTok sends no event id, so the bytes are the identity. */
export function webhookId(rawBody: Buffer): string {
  return createHash('sha256').update(rawBody).digest('hex')
}

/**
 * Builds the `tiktok.webhook.<event>` v1 envelope (contracts `TikTokWebhookV1`) of a verified
 * delivery (subject from {@link webhookSubjectFor}): `id` = hex SHA-256 of the raw body (the JetStream msg id, so a redelivery of the same
 * bytes is stored once), `type` = the subject, `tenantId` null (a raw webhook is not tied to a
 * tenant yet), `occurredAt` = TikTok's `create_time` (Unix seconds), `data.content` = the
 * parsed `content` object with ids above 2^53 as strings (REFERENCE.md §4.3–§4.4), `{}` when the
 * body has no `content` (§4.3 shows it in every example but does not say it is always sent).
 */
export function toWebhookMessage(rawBody: Buffer, event: WebhookEvent, receivedAt: Date): WebhookMessage {
  const subject = webhookSubjectFor(event.event)
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
