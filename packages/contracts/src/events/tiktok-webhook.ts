import { type Static, Type } from 'typebox'
import { isTikTokPostId, TikTokPostId } from '../common.js'
import { IsoDateTime } from '../date-time.js'
import type { Envelope } from '../envelope.js'

/**
 * `tiktok.webhook.<event>` **v1** (envelope `version: 1`), published by webhook-ingest before the
 * normalised v2: `content` is TikTok's JSON-string `content` parsed once, TikTok's own keys
 * (`publish_id`, `post_id` as a number or a string, `reason`…), integers above 2^53 kept as
 * strings. No longer published; consumers still read the v1 events left in TIKTOK_WEBHOOKS
 * through {@link tiktokWebhookData} until they age out of the stream (7 days after the upgrade).
 */
export const TikTokWebhookV1 = Type.Object({
  clientKey: Type.String(),
  event: Type.String({ minLength: 1 }),
  /** TikTok's `create_time`, Unix seconds. */
  createTime: Type.Integer(),
  userOpenId: Type.Optional(Type.String()),
  content: Type.Record(Type.String(), Type.Unknown()),
  /** When webhook-ingest received it (ISO 8601). */
  receivedAt: IsoDateTime,
})
export type TikTokWebhookV1 = Static<typeof TikTokWebhookV1>

/**
 * The `content` of a TikTok webhook as tiktok-client's `parseWebhookEvent` normalises it
 * (docs/tiktok-api.md §4.3–§4.4): camelCase, only the keys the event carries.
 */
export const TikTokWebhookContent = Type.Object({
  /** `post.publish.*`: the publish the event is about. */
  publishId: Type.Optional(Type.String()),
  /** `post.publish.*`: `DIRECT_POST` or `INBOX_SHARE`. */
  publishType: Type.Optional(Type.String()),
  /** `post.publish.publicly_available` / `no_longer_publicaly_available`: 19 digits, a string. */
  postId: Type.Optional(TikTokPostId),
  /**
   * `post.publish.failed`: TikTok's fail_reason (a string); `authorization.removed`: 0 unknown,
   * 1 user disconnected in the app, 2 account deleted, 3 age changed, 4 account banned,
   * 5 developer revoked (an integer).
   */
  reason: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  /** `video.upload.failed` / `video.publish.completed` (legacy kits). */
  shareId: Type.Optional(Type.String()),
  /** `portability.download.ready`: int64 as a string. */
  requestId: Type.Optional(Type.String()),
  /** Every key TikTok sent, as parsed (big integers as strings): kept, not for consumers to parse. */
  raw: Type.Record(Type.String(), Type.Unknown()),
})
export type TikTokWebhookContent = Static<typeof TikTokWebhookContent>

/**
 * `tiktok.webhook.<event>` **v2** (envelope `version: 2`): a TikTok webhook whose signature
 * verified (docs/tiktok-api.md §4.2), normalised once by webhook-ingest with tiktok-client, so no
 * consumer reads TikTok's wire format. The envelope `id` is the SHA-256 (hex) of the raw body.
 */
export const TikTokWebhookV2 = Type.Object({
  clientKey: Type.String(),
  /** TikTok's dotted event name as sent, e.g. `post.publish.complete`. */
  event: Type.String({ minLength: 1 }),
  /** TikTok's `create_time`, Unix seconds. */
  createTime: Type.Integer(),
  /** The account the event is about; absent for `portability.download.ready`. */
  userOpenId: Type.Optional(Type.String()),
  content: TikTokWebhookContent,
  /** When webhook-ingest received it (ISO 8601). */
  receivedAt: Type.String({ format: 'date-time' }),
})
export type TikTokWebhookV2 = Static<typeof TikTokWebhookV2>

/** The envelope `version` webhook-ingest publishes `tiktok.webhook.*` with. */
export const TIKTOK_WEBHOOK_VERSION = 2

/**
 * What a `tiktok.webhook.*` consumer validates `data` against while v1 events may still be in the
 * stream: v2 or v1. Read it with {@link tiktokWebhookData}.
 */
export const TikTokWebhookAnyVersion = Type.Union([TikTokWebhookV2, TikTokWebhookV1])
export type TikTokWebhookAnyVersion = Static<typeof TikTokWebhookAnyVersion>

/** A `tiktok.webhook.*` envelope of this version or of a version still in the stream. */
export type TikTokWebhookEnvelope = Envelope<TikTokWebhookAnyVersion>

/** The payload of a `tiktok.webhook.*` envelope whose `version` no reader knows. */
export class UnknownTikTokWebhookVersionError extends Error {
  override name = 'UnknownTikTokWebhookVersionError'
}

/**
 * The v2 payload of a `tiktok.webhook.*` envelope (by its `version`): v2 as it is; v1 (events
 * stored before the upgrade) normalised as webhook-ingest now does — ids given as numbers become
 * decimal strings, a `post_id` that is not an id is left out (it stays in `content.raw`).
 * @throws UnknownTikTokWebhookVersionError for another version (the consumer retries, then
 *   dead-letters it).
 */
export function tiktokWebhookData(envelope: TikTokWebhookEnvelope): TikTokWebhookV2 {
  if (envelope.version === TIKTOK_WEBHOOK_VERSION) return envelope.data as TikTokWebhookV2
  if (envelope.version !== 1)
    throw new UnknownTikTokWebhookVersionError(`${envelope.type} v${envelope.version} is not known`)
  const { content: raw, ...rest } = envelope.data as TikTokWebhookV1
  return { ...rest, content: contentFromV1(raw) }
}

/** v1 `content` (TikTok's keys) → v2 `content`: the mapping tiktok-client's parser applies. */
function contentFromV1(raw: Record<string, unknown>): TikTokWebhookContent {
  const text = (v: unknown) =>
    typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined
  const content: TikTokWebhookContent = { raw }
  const publishId = text(raw.publish_id)
  const publishType = text(raw.publish_type)
  const postId = text(raw.post_id)
  const shareId = text(raw.share_id)
  const requestId = text(raw.request_id)
  if (publishId !== undefined) content.publishId = publishId
  if (publishType !== undefined) content.publishType = publishType
  if (postId !== undefined && isTikTokPostId(postId)) content.postId = postId
  if (typeof raw.reason === 'string' || typeof raw.reason === 'number') content.reason = raw.reason
  if (shareId !== undefined) content.shareId = shareId
  if (requestId !== undefined) content.requestId = requestId
  return content
}
