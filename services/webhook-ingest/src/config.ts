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
})
export type Config = Static<typeof Config>

/** The secrets a signature may be made with: the current one first, then the previous ones. */
export function webhookSecrets(config: Config): string[] {
  const previous = config.TIKTOK_CLIENT_SECRETS_PREVIOUS.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  return [config.TIKTOK_CLIENT_SECRET, ...previous]
}

/** The largest webhook body accepted, in bytes (1 MiB); larger ones answer 413. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024
