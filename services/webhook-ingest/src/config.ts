import { Streams } from '@social-bridge/contracts'
import { BaseConfig } from '@social-bridge/service-kit'
import { type Static, Type } from 'typebox'

// webhook-ingest owns no database (ARCHITECTURE.md "Data ownership"): JetStream is its store of
// record, so the shared DATABASE_URL is not asked for.
const { DATABASE_URL: _noDatabase, ...base } = BaseConfig.properties

/**
 * Environment of webhook-ingest, validated once at start (`loadConfigOrExit(Config)`):
 * - `TIKTOK_CLIENT_KEY`: the app's `client_key`; a webhook naming another one is refused (401).
 * - `TIKTOK_CLIENT_SECRET`: signs `TikTok-Signature` (docs/tiktok-api.md §4.2).
 * - `TIKTOK_CLIENT_SECRETS_PREVIOUS`: comma-separated older secrets still accepted while a
 *   rotation is under way (empty by default).
 * - `WEBHOOK_TOLERANCE_SEC`: max |now − t| of a signature, seconds (default 300). Whether TikTok
 *   re-signs its retries (for up to 72 h) is unconfirmed (docs/tiktok-api.md §0, §4.1): to accept a late
 *   retry that kept its first `t`, raise it up to the webhook stream's duplicate window (4 days,
 *   contracts `Streams.tiktokWebhooks`), never beyond: a replayed body inside the tolerance is
 *   then a JetStream duplicate, stored once, so replay safety comes from that dedupe.
 * - `PUBLISH_TIMEOUT_MS`: how long a delivery waits for the JetStream ack before answering 503,
 *   ms (default 2000; TikTok's own response timeout is unconfirmed, §4.1).
 * - `INSTAGRAM_APP_SECRET`: the Meta app secret that signs `X-Hub-Signature-256`
 *   (docs/instagram-api.md "Webhooks"); `INSTAGRAM_APP_SECRETS_PREVIOUS`: comma-separated older
 *   ones accepted during a rotation. `INSTAGRAM_WEBHOOK_VERIFY_TOKEN`: the verify token set in
 *   the App Dashboard, checked by the `GET` handshake. Instagram's routes exist only when the
 *   secret and the token are both set (404 otherwise); one without the other stops the start.
 * - `INSTAGRAM_WEBHOOK_MAX_AGE_SEC`: a notification whose `entry[].time` is older than this is
 *   refused (401), seconds (default 172800 = 48 h: Meta retries for up to 36 h). At most the
 *   stream's 3-day duplicate window, so a replay is either a duplicate or refused.
 */
export const Config = Type.Object({
  ...base,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3003 }),
  TIKTOK_CLIENT_KEY: Type.String({ minLength: 1 }),
  TIKTOK_CLIENT_SECRET: Type.String({ minLength: 1 }),
  TIKTOK_CLIENT_SECRETS_PREVIOUS: Type.String({ default: '' }),
  WEBHOOK_TOLERANCE_SEC: Type.Integer({
    minimum: 1,
    maximum: Streams.tiktokWebhooks.duplicateWindowSec,
    default: 300,
  }),
  PUBLISH_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 30_000, default: 2000 }),
  INSTAGRAM_APP_SECRET: Type.String({ default: '' }),
  INSTAGRAM_APP_SECRETS_PREVIOUS: Type.String({ default: '' }),
  INSTAGRAM_WEBHOOK_VERIFY_TOKEN: Type.String({ default: '' }),
  INSTAGRAM_WEBHOOK_MAX_AGE_SEC: Type.Integer({
    minimum: 60,
    maximum: Streams.instagramWebhooks.duplicateWindowSec,
    default: 48 * 3600,
  }),
})
export type Config = Static<typeof Config>

const list = (csv: string) =>
  csv
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')

/** The secrets a signature may be made with: the current one first, then the previous ones. */
export function webhookSecrets(config: Config): string[] {
  return [config.TIKTOK_CLIENT_SECRET, ...list(config.TIKTOK_CLIENT_SECRETS_PREVIOUS)]
}

/** Instagram's webhook settings, or `null` when Instagram is off (neither secret nor token set). */
export interface InstagramWebhookSettings {
  /** App secrets for `X-Hub-Signature-256`, the current one first. */
  secrets: string[]
  verifyToken: string
  maxAgeSec: number
}

/**
 * Instagram's webhook settings from `config`, `null` when Instagram is off.
 * @throws Error when only one of `INSTAGRAM_APP_SECRET` and `INSTAGRAM_WEBHOOK_VERIFY_TOKEN` is set.
 */
export function instagramWebhookSettings(config: Config): InstagramWebhookSettings | null {
  const secret = config.INSTAGRAM_APP_SECRET
  const verifyToken = config.INSTAGRAM_WEBHOOK_VERIFY_TOKEN
  if (secret === '' && verifyToken === '') return null
  if (secret === '' || verifyToken === '')
    throw new Error('INSTAGRAM_APP_SECRET and INSTAGRAM_WEBHOOK_VERIFY_TOKEN must be set together')
  return {
    secrets: [secret, ...list(config.INSTAGRAM_APP_SECRETS_PREVIOUS)],
    verifyToken,
    maxAgeSec: config.INSTAGRAM_WEBHOOK_MAX_AGE_SEC,
  }
}

/** The largest webhook body accepted, in bytes (1 MiB); larger ones answer 413. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024

/**
 * The largest Instagram notification accepted, in bytes (4 MiB; larger → 413): Meta batches up to
 * 1000 updates in one notification, and a comment's text alone may be 2,200 characters.
 */
export const INSTAGRAM_WEBHOOK_BODY_LIMIT_BYTES = 4 * 1024 * 1024
