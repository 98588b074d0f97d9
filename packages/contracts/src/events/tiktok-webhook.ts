import { type Static, Type } from 'typebox'
import { IsoDateTime } from '../date-time.js'

/**
 * `tiktok.webhook.<event>` v1: a TikTok webhook whose signature verified (REFERENCE.md 4.3),
 * stored as received. `content` is TikTok's JSON-string `content` parsed once, with integers
 * above 2^53 (post ids) kept as strings. The envelope `id` is the SHA-256 (hex) of the raw body.
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
