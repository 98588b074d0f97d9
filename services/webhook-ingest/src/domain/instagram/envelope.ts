import { hash } from 'node:crypto'
import {
  type Envelope,
  INSTAGRAM_WEBHOOK_VERSION,
  type InstagramWebhookV1,
  instagramWebhookSubject,
} from '@social-bridge/contracts'
import { COMMENT_FIELDS, parseCommentValue, type WebhookChange } from '@social-bridge/instagram-client'

/** One change ready to publish: its subject (un-namespaced) and envelope. */
export interface InstagramMessage {
  /** `instagram.webhook.<field>`, e.g. `instagram.webhook.comments`. */
  subject: string
  envelope: Envelope<InstagramWebhookV1>
}

/** Field names that can be a subject token as they are. */
const SUBJECT_SAFE_FIELD = /^[A-Za-z0-9_-]{1,64}$/

/** `instagram.webhook.<field>`; a field that cannot be one subject token goes to `instagram.webhook.unknown`. */
export function instagramSubjectFor(field: string): string {
  return instagramWebhookSubject(SUBJECT_SAFE_FIELD.test(field) ? field : 'unknown')
}

/**
 * The dedupe id of a change (its JetStream `Nats-Msg-Id` and envelope `id`): hex SHA-256 of
 * `instagram`, the account id, the field and the value's JSON, newline-separated. Meta sends no
 * event id and may batch a retried change with new ones, and its `entry[].time` is when it sent
 * the notification, so neither the body's hash nor the time identify a change; its content does.
 * The same fact delivered twice (a retry, a replay, a duplicate inside a batch) gets the same id,
 * and the stream keeps one within its 3-day duplicate window.
 */
export function instagramChangeId(change: WebhookChange): string {
  return hash(
    'sha256',
    `instagram\n${change.igUserId}\n${change.field}\n${JSON.stringify(change.value)}`,
    'hex',
  )
}

/**
 * Builds the `instagram.webhook.<field>` v1 envelope of a verified change: `id` from
 * {@link instagramChangeId}, `type` = the subject, `tenantId` null (the account is resolved to
 * a connection by the consumers), `occurredAt` = `entry[].time`, `data.comment` normalised for
 * `comments`/`live_comments` (left out when the value lacks the comment or media id; `value` keeps it).
 */
export function toInstagramMessage(change: WebhookChange, receivedAt: Date): InstagramMessage {
  const subject = instagramSubjectFor(change.field)
  const data: InstagramWebhookV1 = {
    object: 'instagram',
    igUserId: change.igUserId,
    time: change.time,
    field: change.field,
    value: change.value,
    receivedAt: receivedAt.toISOString(),
  }
  if (COMMENT_FIELDS.includes(change.field)) {
    const comment = parseCommentValue(change.value)
    if (comment) data.comment = comment
  }
  return {
    subject,
    envelope: {
      id: instagramChangeId(change),
      type: subject,
      version: INSTAGRAM_WEBHOOK_VERSION,
      occurredAt: new Date(change.time * 1000).toISOString(),
      tenantId: null,
      data,
    },
  }
}
