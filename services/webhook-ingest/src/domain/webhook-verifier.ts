import { createSecretKey } from 'node:crypto'
import { withDetails } from '@social-bridge/service-kit'
import {
  parseWebhookEvent,
  TikTokWebhookPayloadError,
  verifyWebhookSignature,
  type WebhookEvent,
} from '@social-bridge/tiktok-client'
import { WebhookPayloadInvalidError, WebhookUnauthorizedError } from '../errors.js'

/** Options of {@link createWebhookVerifier}. */
export interface WebhookVerifierOptions {
  /** The app's `client_key`; the envelope's `client_key` must equal it. */
  clientKey: string
  /** Secrets accepted for `TikTok-Signature`, current first (several during a rotation). */
  secrets: readonly string[]
  /** Max |now − t|, in seconds. */
  toleranceSec: number
  /** Now in Unix seconds; default the wall clock (tests may pin it). */
  nowSec?: () => number
}

/** Checks a delivery's signature and shape; the only gate before anything is stored. */
export interface WebhookVerifier {
  /**
   * Verifies `TikTok-Signature` over the raw bytes (HMAC-SHA256 of `t.rawBody`, constant-time,
   * any accepted secret, `t` within the tolerance — docs/tiktok-api.md §4.2), then parses the
   * envelope and its `content` JSON string with ids above 2^53 kept as strings (§4.3), and
   * checks `client_key`.
   *
   * @returns the parsed event.
   * @throws WebhookUnauthorizedError (401) for a bad signature, stale `t` or foreign `client_key`;
   *   `details.reason` says which.
   * @throws WebhookPayloadInvalidError (400) when a verified body is not a valid envelope (not
   *   JSON, `content` present but not JSON, `client_key`/`event`/`create_time` missing, or
   *   `create_time` not Unix seconds). An event name that cannot be a subject is not refused.
   */
  verify(signatureHeader: string | string[] | undefined, rawBody: Buffer): WebhookEvent
}

/** `create_time` must map to a real date: 0 .. year 9999, Unix seconds. */
const MAX_CREATE_TIME_SEC = 253_402_300_799

/** Creates the verifier (docs/tiktok-api.md §4.2–§4.3). */
export function createWebhookVerifier(opts: WebhookVerifierOptions): WebhookVerifier {
  const nowSec = opts.nowSec ?? (() => Math.floor(Date.now() / 1000))
  // made once: a string secret would be converted to a key on every delivery
  const secrets = opts.secrets.map((s) => createSecretKey(s, 'utf8'))
  return {
    verify(signatureHeader, rawBody) {
      const check = verifyWebhookSignature({
        header: signatureHeader,
        rawBody,
        secrets,
        toleranceSec: opts.toleranceSec,
        nowSec: nowSec(),
      })
      if (!check.ok) {
        throw withDetails(new WebhookUnauthorizedError(check.reason.replaceAll('_', ' ')), {
          reason: check.reason,
        })
      }
      const event = parse(rawBody)
      if (event.clientKey !== opts.clientKey) {
        throw withDetails(new WebhookUnauthorizedError('client_key is not this app'), {
          reason: 'client_key_mismatch',
        })
      }
      return event
    },
  }
}

function parse(rawBody: Buffer): WebhookEvent {
  let event: WebhookEvent
  try {
    event = parseWebhookEvent(rawBody)
  } catch (err) {
    if (err instanceof TikTokWebhookPayloadError) throw new WebhookPayloadInvalidError(err.message)
    throw err
  }
  if (
    !Number.isSafeInteger(event.createTime) ||
    event.createTime < 0 ||
    event.createTime > MAX_CREATE_TIME_SEC
  ) {
    throw new WebhookPayloadInvalidError('create_time is not Unix seconds')
  }
  return event
}
