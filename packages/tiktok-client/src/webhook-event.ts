import { TikTokWebhookPayloadError } from './errors.js'
import { isJsonObject, type JsonObject, optNumber, optString, parseJson, toIdString } from './json.js'

/** Event names of docs/tiktok-api.md §4.4 (note TikTok's misspelt `no_longer_publicaly_available`). */
export type WebhookEventName =
  | 'authorization.removed'
  | 'video.upload.failed'
  | 'video.publish.completed'
  | 'portability.download.ready'
  | 'post.publish.failed'
  | 'post.publish.complete'
  | 'post.publish.inbox_delivered'
  | 'post.publish.publicly_available'
  | 'post.publish.no_longer_publicaly_available'

/** The decoded `content` string, camelCase; only the keys the event carries are present (§4.4). */
export interface WebhookContent {
  publishId?: string
  /** `DIRECT_POST` or `INBOX_SHARE`. */
  publishType?: string
  /** 19-digit post id, always a string (it may arrive as a number or a string). */
  postId?: string
  /** `post.publish.failed`: a fail_reason string; `authorization.removed`: 0–5. */
  reason?: string | number
  shareId?: string
  /** `portability.download.ready`, int64 kept as a string. */
  requestId?: string
  /** Every key as parsed (big integers as strings). */
  raw: JsonObject
}

/** A TikTok webhook delivery (§4.3). */
export interface WebhookEvent {
  clientKey: string
  /** A {@link WebhookEventName}, or a newer event this client does not know. */
  event: WebhookEventName | (string & {})
  /** Unix **seconds**. */
  createTime: number
  /** Absent for `portability.download.ready`. */
  userOpenId?: string
  content: WebhookContent
}

/**
 * Parses a webhook body: the envelope, then its `content` JSON **string** a second time, keeping
 * 19-digit ids as strings. Verify the signature over the raw body first.
 *
 * @throws TikTokWebhookPayloadError when the body or `content` is not the documented JSON.
 */
export function parseWebhookEvent(rawBody: string | Buffer): WebhookEvent {
  const envelope = parseObject(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'), 'body')
  const clientKey = optString(envelope, 'client_key')
  const event = optString(envelope, 'event')
  const createTime = optNumber(envelope, 'create_time')
  if (!clientKey || !event || createTime === undefined) {
    throw new TikTokWebhookPayloadError('webhook body lacks client_key, event or create_time')
  }
  const c = envelope.content
  const raw = typeof c === 'string' ? parseObject(c, 'content') : isJsonObject(c) ? c : {}
  const content: WebhookContent = { raw }
  const publishId = optString(raw, 'publish_id')
  const publishType = optString(raw, 'publish_type')
  const shareId = optString(raw, 'share_id')
  if (publishId !== undefined) content.publishId = publishId
  if (publishType !== undefined) content.publishType = publishType
  if (shareId !== undefined) content.shareId = shareId
  if (raw.post_id !== undefined) content.postId = toIdString(raw.post_id)
  if (raw.request_id !== undefined) content.requestId = toIdString(raw.request_id)
  if (typeof raw.reason === 'string' || typeof raw.reason === 'number') content.reason = raw.reason
  const out: WebhookEvent = { clientKey, event, createTime, content }
  const userOpenId = optString(envelope, 'user_openid')
  if (userOpenId !== undefined) out.userOpenId = userOpenId
  return out
}

function parseObject(text: string, what: string): JsonObject {
  let value: unknown
  try {
    value = parseJson(text)
  } catch (err) {
    throw new TikTokWebhookPayloadError(`webhook ${what} is not JSON`, { cause: err })
  }
  if (!isJsonObject(value)) throw new TikTokWebhookPayloadError(`webhook ${what} is not a JSON object`)
  return value
}
