import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto'

/**
 * Instagram webhooks as Meta sends them (docs/instagram-api.md "Webhooks"): the verification
 * handshake, `X-Hub-Signature-256` over the raw body, and the notification body
 * `{object, entry: [{id, time, changes: [{field, value}]}]}`.
 */

/** The header carrying the signature (lower case: HTTP headers are case-insensitive). */
export const INSTAGRAM_SIGNATURE_HEADER = 'x-hub-signature-256'

/** Most updates Meta puts in one notification (docs/instagram-api.md "Webhooks"). */
export const MAX_UPDATES_PER_NOTIFICATION = 1000

/**
 * The `X-Hub-Signature-256` value of a body: `sha256=` and the lowercase hex HMAC-SHA256 of the
 * raw bytes keyed with the app secret. The emulator and tests sign with it; receivers verify
 * with {@link verifyWebhookSignature}.
 */
export function signWebhookPayload(appSecret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`
}

/** Why a signature was refused. */
export type InstagramSignatureFailure = 'missing_header' | 'malformed_header' | 'signature_mismatch'

/** Outcome of {@link verifyWebhookSignature}; it never throws for a bad signature. */
export type InstagramSignatureCheck =
  | { ok: true /** Which secret matched (0 = the current one). */; secretIndex: number }
  | { ok: false; reason: InstagramSignatureFailure }

const SIGNATURE_RE = /^sha256=([0-9a-fA-F]{64})$/

/**
 * Verifies `X-Hub-Signature-256: sha256=<hex>` over the exact bytes received (never re-serialised
 * JSON), against each app secret (several during a rotation), comparing in constant time
 * (`timingSafeEqual` on equal-length digests). Meta's signature has no timestamp: replays are
 * the receiver's to dedupe (docs/instagram-api.md "Webhooks"). A receiver passes its secrets as
 * `KeyObject`s (`createSecretKey(secret, 'utf8')`, made once) to spare converting each key on
 * every call; strings verify the same.
 */
export function verifyWebhookSignature(params: {
  header: string | string[] | undefined
  rawBody: string | Buffer
  secrets: readonly (string | KeyObject)[]
}): InstagramSignatureCheck {
  const header = Array.isArray(params.header) ? params.header[0] : params.header
  if (!header) return { ok: false, reason: 'missing_header' }
  const match = SIGNATURE_RE.exec(header.trim())
  if (!match?.[1]) return { ok: false, reason: 'malformed_header' }
  const given = Buffer.from(match[1].toLowerCase(), 'hex')
  let secretIndex = -1
  for (const [i, secret] of params.secrets.entries()) {
    const expected = createHmac('sha256', secret).update(params.rawBody).digest()
    // every secret is tried, so the time taken does not say which one matched
    if (timingSafeEqual(given, expected) && secretIndex < 0) secretIndex = i
  }
  return secretIndex < 0 ? { ok: false, reason: 'signature_mismatch' } : { ok: true, secretIndex }
}

/** The query of Meta's verification request (`GET <callback>?hub.mode=…`). */
export interface HandshakeQuery {
  'hub.mode'?: string
  'hub.verify_token'?: string
  'hub.challenge'?: string
}

/**
 * Meta's verification handshake: `hub.mode=subscribe` and `hub.verify_token` equal to the token
 * set in the App Dashboard → the raw `hub.challenge` to answer with 200; otherwise `null` (answer
 * 403). The token comparison is constant-time.
 */
export function answerHandshake(query: HandshakeQuery, verifyToken: string): string | null {
  const { 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge } = query
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return null
  const a = createHmac('sha256', 'handshake').update(token).digest()
  const b = createHmac('sha256', 'handshake').update(verifyToken).digest()
  return timingSafeEqual(a, b) ? challenge : null
}

/** A notification body that is not Meta's shape; the message says what is wrong (no secret). */
export class InstagramWebhookPayloadError extends Error {
  override name = 'InstagramWebhookPayloadError'
  readonly code = 'INVALID_WEBHOOK_PAYLOAD'
}

/** One change of a notification: `entry[].changes[]`, or a `messaging` item as field `messaging`. */
export interface WebhookChange {
  /** `entry[].id`: the app user's Instagram professional account id (ig-user-id). */
  igUserId: string
  /** `entry[].time`: when Meta sent the notification, Unix **seconds**. */
  time: number
  /** Meta's field name (`comments`, `live_comments`, `mentions`, `messaging`…). */
  field: string
  /** The change's `value` as sent. */
  value: unknown
}

/** A parsed notification: Meta's `object` and its changes in order. */
export interface WebhookNotification {
  object: string
  changes: WebhookChange[]
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** An id Meta sends as a numeric string; a safe integer is accepted as its decimal string. */
function idString(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v)
  return undefined
}

/** `time` in Unix seconds; a value in ms (13 digits, as Messenger-style payloads use) is scaled down. */
function unixSeconds(v: unknown): number | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return undefined
  return v > 99_999_999_999 ? Math.floor(v / 1000) : v
}

/**
 * Parses a verified notification body (docs/instagram-api.md "Webhooks"):
 * `{object, entry: [{id, time, changes: [{field, value}]}]}`. Messaging notifications carry
 * `entry[].messaging[]` instead: each item becomes a change of field `messaging`. An entry with
 * `field`/`value` directly on it (as one of Meta's example pages prints it) is read as one change.
 *
 * @throws InstagramWebhookPayloadError when the body is not JSON, `object` or `entry` is missing,
 *   an entry lacks `id` or `time`, a change lacks `field`, or there are more than 1000 updates.
 */
export function parseWebhookNotification(rawBody: string | Buffer): WebhookNotification {
  let body: unknown
  try {
    body = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'))
  } catch {
    throw new InstagramWebhookPayloadError('the body is not JSON')
  }
  if (!isObject(body)) throw new InstagramWebhookPayloadError('the body is not a JSON object')
  if (typeof body.object !== 'string' || body.object === '')
    throw new InstagramWebhookPayloadError('`object` is missing')
  if (!Array.isArray(body.entry)) throw new InstagramWebhookPayloadError('`entry` is not an array')
  const changes: WebhookChange[] = []
  for (const [i, entry] of body.entry.entries()) {
    if (!isObject(entry)) throw new InstagramWebhookPayloadError(`entry[${i}] is not an object`)
    const igUserId = idString(entry.id)
    if (igUserId === undefined) throw new InstagramWebhookPayloadError(`entry[${i}].id is missing`)
    const time = unixSeconds(entry.time)
    if (time === undefined) throw new InstagramWebhookPayloadError(`entry[${i}].time is not Unix time`)
    const items: { field: unknown; value: unknown }[] = Array.isArray(entry.changes)
      ? entry.changes.map((c) =>
          isObject(c) ? { field: c.field, value: c.value } : { field: undefined, value: c },
        )
      : typeof entry.field === 'string'
        ? [{ field: entry.field, value: entry.value }]
        : []
    if (Array.isArray(entry.messaging)) {
      for (const m of entry.messaging) items.push({ field: 'messaging', value: m })
    }
    for (const [j, item] of items.entries()) {
      if (typeof item.field !== 'string' || item.field === '')
        throw new InstagramWebhookPayloadError(`entry[${i}] change ${j} has no field`)
      changes.push({ igUserId, time, field: item.field, value: item.value ?? null })
    }
  }
  if (changes.length > MAX_UPDATES_PER_NOTIFICATION)
    throw new InstagramWebhookPayloadError(`more than ${MAX_UPDATES_PER_NOTIFICATION} updates`)
  return { object: body.object, changes }
}

/** A comment as a `comments` / `live_comments` change describes it. */
export interface WebhookComment {
  id: string
  mediaId: string
  mediaProductType?: string
  text?: string
  /** Instagram-scoped id of the commenter. */
  fromId?: string
  username?: string
  parentId?: string
}

/** The fields whose value is a comment. */
export const COMMENT_FIELDS: readonly string[] = ['comments', 'live_comments']

/**
 * Reads a comment out of a `comments` / `live_comments` change value (docs/instagram-api.md
 * "Webhooks"): `{id, text, from: {id, username}, media: {id, media_product_type}, parent_id}`.
 * @returns the comment, or `undefined` when the value lacks the comment id or the media id.
 */
export function parseCommentValue(value: unknown): WebhookComment | undefined {
  if (!isObject(value)) return undefined
  const id = idString(value.id)
  const media = isObject(value.media) ? value.media : {}
  const mediaId = idString(media.id)
  if (id === undefined || mediaId === undefined) return undefined
  const comment: WebhookComment = { id, mediaId }
  if (typeof media.media_product_type === 'string') comment.mediaProductType = media.media_product_type
  if (typeof value.text === 'string') comment.text = value.text
  const from = isObject(value.from) ? value.from : {}
  const fromId = idString(from.id)
  if (fromId !== undefined) comment.fromId = fromId
  if (typeof from.username === 'string') comment.username = from.username
  const parentId = idString(value.parent_id)
  if (parentId !== undefined) comment.parentId = parentId
  return comment
}
