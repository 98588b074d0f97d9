import { type Static, Type } from 'typebox'
import { IsoDateTime } from '../date-time.js'

/**
 * A comment as a `comments` / `live_comments` change carries it, normalised by instagram-client
 * (docs/instagram-api.md "Webhooks"): Meta's `value.id`, `value.text`, `value.from.{id,username}`,
 * `value.media.{id,media_product_type}`, `value.parent_id`. The change has no comment time: the
 * notification's `entry[].time` stands in for it until the comment sync reads the real `timestamp`.
 */
export const InstagramWebhookComment = Type.Object({
  /** The IG Comment id. */
  id: Type.String({ minLength: 1 }),
  /** The IG Media id the comment is on. */
  mediaId: Type.String({ minLength: 1 }),
  /** `FEED`, `REELS`, `STORY`, `AD`… as Meta sends it. */
  mediaProductType: Type.Optional(Type.String()),
  text: Type.Optional(Type.String()),
  /** Instagram-scoped id of the commenter. */
  fromId: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  /** The comment this one replies to. */
  parentId: Type.Optional(Type.String()),
})
export type InstagramWebhookComment = Static<typeof InstagramWebhookComment>

/**
 * `instagram.webhook.<field>` **v1**: one change of an Instagram webhook notification whose
 * `X-Hub-Signature-256` verified, published by webhook-ingest (one message per change). The
 * envelope `id` is deterministic per change (docs of webhook-ingest: hex SHA-256 over the account
 * id, the field and the change's value), so Meta's retries are stored once.
 */
export const InstagramWebhookV1 = Type.Object({
  /** Meta's `object`: `instagram`. */
  object: Type.String(),
  /** `entry[].id`: the Instagram professional account (ig-user-id) the change is about. */
  igUserId: Type.String({ minLength: 1 }),
  /** `entry[].time`: when Meta sent the notification, Unix seconds. */
  time: Type.Integer(),
  /** Meta's field name: `comments`, `live_comments`, `mentions`, `messaging`… */
  field: Type.String({ minLength: 1 }),
  /** The change's `value` as Meta sent it (a `messaging` item for `field: messaging`). */
  value: Type.Unknown(),
  /** `comments` / `live_comments`: the comment, normalised; absent for other fields. */
  comment: Type.Optional(InstagramWebhookComment),
  /** When webhook-ingest received it (ISO 8601). */
  receivedAt: IsoDateTime,
})
export type InstagramWebhookV1 = Static<typeof InstagramWebhookV1>

/** The envelope `version` webhook-ingest publishes `instagram.webhook.*` with. */
export const INSTAGRAM_WEBHOOK_VERSION = 1
