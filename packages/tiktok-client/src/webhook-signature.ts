import { createHmac, KeyObject, timingSafeEqual } from 'node:crypto'

/** Header carrying the signature (HTTP headers are case-insensitive; TikTok's docs write `Tiktok-Signature`). */
export const WEBHOOK_SIGNATURE_HEADER = 'tiktok-signature'

/** Default tolerance between the signature's `t` and now: 5 minutes, in seconds (docs/tiktok-api.md §4.2). */
export const DEFAULT_WEBHOOK_TOLERANCE_SEC = 300

/** Parameters of {@link signWebhook}. */
export interface SignWebhookParams {
  /** The app's client secret. */
  secret: string
  /** The exact bytes sent as the body. */
  rawBody: string | Buffer
  /** Unix **seconds**; default now. */
  timestampSec?: number
}

/**
 * Computes the `TikTok-Signature` header value `t=<unix s>,s=<hex HMAC-SHA256(secret, t + "." + body)>`
 * (docs/tiktok-api.md §4.2). Used by the sandbox and by tests; the receiver uses {@link verifyWebhookSignature}.
 */
export function signWebhook(params: SignWebhookParams): string {
  const t = params.timestampSec ?? Math.floor(Date.now() / 1000)
  return `t=${t},s=${hmacHex(params.secret, String(t), params.rawBody)}`
}

/** Parameters of {@link verifyWebhookSignature}. */
export interface VerifyWebhookParams {
  /** The `TikTok-Signature` header value (`undefined` when missing). */
  header: string | string[] | undefined
  /** The raw body bytes as received — never re-serialised JSON. */
  rawBody: string | Buffer
  /**
   * Client secret(s); several during a rotation. Any one matching is enough. A receiver that
   * verifies many deliveries passes them as `KeyObject`s (`createSecretKey(secret, 'utf8')`,
   * made once), which spares converting the key on every call.
   */
  secrets: string | KeyObject | readonly (string | KeyObject)[]
  /** Max |now − t| in **seconds**; default 300. */
  toleranceSec?: number
  /** Now in Unix **seconds**; default the clock (tests). */
  nowSec?: number
}

/** Why a signature was refused. */
export type WebhookSignatureFailure =
  | 'missing_header'
  | 'malformed_header'
  | 'timestamp_out_of_tolerance'
  | 'signature_mismatch'

/** Outcome of {@link verifyWebhookSignature}; never throws for a bad signature. */
export type WebhookVerification =
  | { ok: true; timestampSec: number; secretIndex: number }
  | { ok: false; reason: WebhookSignatureFailure }

/**
 * Verifies `TikTok-Signature` (§4.2): splits on `,` and `=`, recomputes the hex HMAC-SHA256 over
 * `t + "." + rawBody` with each secret and compares in constant time (`timingSafeEqual`) with
 * every `s` (either case), then checks `t` is within `toleranceSec` of now. Respond 401/403 when
 * `ok` is false. (The digest is compared as hex: in Node 20 `digest()` into a Buffer costs more
 * than `digest('hex')` and two small UTF-8 buffers.)
 */
export function verifyWebhookSignature(params: VerifyWebhookParams): WebhookVerification {
  const header = Array.isArray(params.header) ? params.header[0] : params.header
  if (!header) return { ok: false, reason: 'missing_header' }
  let t: string | undefined
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (key === 't') t = value
    else if (key === 's') signatures.push(value)
  }
  if (t === undefined || !/^\d{1,12}$/.test(t) || signatures.length === 0)
    return { ok: false, reason: 'malformed_header' }
  const { secrets } = params
  const keys = typeof secrets === 'string' || secrets instanceof KeyObject ? [secrets] : secrets
  let secretIndex = -1
  for (const [i, secret] of keys.entries()) {
    // every secret and signature is tried, so the time taken does not say which one matched
    const expected = Buffer.from(hmacHex(secret, t, params.rawBody), 'utf8')
    for (const s of signatures) {
      const given = Buffer.from(s.toLowerCase(), 'utf8')
      if (given.length === expected.length && timingSafeEqual(given, expected) && secretIndex < 0)
        secretIndex = i
    }
  }
  if (secretIndex < 0) return { ok: false, reason: 'signature_mismatch' }
  const timestampSec = Number(t)
  const now = params.nowSec ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - timestampSec) > (params.toleranceSec ?? DEFAULT_WEBHOOK_TOLERANCE_SEC)) {
    return { ok: false, reason: 'timestamp_out_of_tolerance' }
  }
  return { ok: true, timestampSec, secretIndex }
}

function hmacHex(secret: string | KeyObject, t: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex')
}
