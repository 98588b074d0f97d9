import { BaseConfig } from '@social-bridge/service-kit'
import { type Static, Type } from 'typebox'

const MIB = 1024 * 1024

/**
 * publish-service configuration: the shared variables (`BaseConfig`) plus its own. Validated once
 * at start (`loadConfigOrExit` in server.ts); tests build it with `loadConfig(PublishConfig, env)`.
 * Durations are in ms, sizes in bytes.
 */
export const PublishConfig = Type.Object({
  ...BaseConfig.properties,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3002 }),
  /** HS256 secret (≥ 32 bytes) of internal tokens: verifies the gateway, signs calls to auth-service. */
  INTERNAL_JWT_SECRET: Type.String({ minLength: 32 }),
  /** Connections of the service's PostgreSQL pool (service-kit dbPlugin; deploy/README.md "Scaling out"). */
  DB_POOL_SIZE: Type.Integer({ minimum: 1, default: 10 }),
  /** auth-service base URL for access tokens (`@social-bridge/auth-client`). */
  AUTH_SERVICE_URL: Type.String({ pattern: '^https?://' }),
  TIKTOK_CLIENT_KEY: Type.String({ minLength: 1 }),
  TIKTOK_CLIENT_SECRET: Type.String({ minLength: 1 }),
  TIKTOK_API_BASE_URL: Type.String({ pattern: '^https?://', default: 'https://open.tiktokapis.com' }),
  /** Wait after TikTok answered 429 `rate_limit_exceeded` (no Retry-After is sent, docs/tiktok-api.md §5), ms. */
  TIKTOK_RATE_LIMIT_BACKOFF_MS: Type.Integer({ minimum: 10, default: 60_000 }),
  /** Comma-separated verified URL prefixes for PULL_FROM_URL, e.g. `https://media.example.com/videos/` (docs/tiktok-api.md §3.6). */
  PULL_FROM_URL_PREFIXES: Type.String({ default: '' }),
  /** FILE_UPLOAD chunk size in bytes, 5 MiB–64 MiB (docs/tiktok-api.md §3.5). */
  CHUNK_SIZE_BYTES: Type.Integer({ minimum: 5 * MIB, maximum: 64 * MIB, default: 10_000_000 }),
  /** JetStream object store bucket of media bytes (namespaced by `NATS_NAMESPACE`). */
  MEDIA_BUCKET: Type.String({ pattern: '^[A-Za-z0-9_-]+$', default: 'publish_media' }),
  /** First status poll delay after upload/init, ms; doubles per poll up to `POLL_MAX_INTERVAL_MS`. */
  POLL_INITIAL_INTERVAL_MS: Type.Integer({ minimum: 10, default: 5_000 }),
  POLL_MAX_INTERVAL_MS: Type.Integer({ minimum: 10, default: 60_000 }),
  /** Give up on a publish that has not reached a terminal status this long after init, ms. */
  POLL_DEADLINE_MS: Type.Integer({ minimum: 100, default: 2 * 3600_000 }),
  /** After PUBLISH_COMPLETE: slower polls for `publicaly_available_post_id`, ms, until the deadline. */
  POST_ID_POLL_INTERVAL_MS: Type.Integer({ minimum: 10, default: 5 * 60_000 }),
  POST_ID_POLL_DEADLINE_MS: Type.Integer({ minimum: 100, default: 24 * 3600_000 }),
  /** SEND_TO_USER_INBOX: slow polls (the user may post the draft) until the deadline, ms. */
  INBOX_POLL_INTERVAL_MS: Type.Integer({ minimum: 10, default: 15 * 60_000 }),
  INBOX_POLL_DEADLINE_MS: Type.Integer({ minimum: 100, default: 7 * 24 * 3600_000 }),
  /** Instagram Graph API base URL (Business Login for Instagram host, docs/instagram-api.md "Publishing"). */
  INSTAGRAM_GRAPH_BASE_URL: Type.String({ pattern: '^https?://', default: 'https://graph.instagram.com' }),
  /** A Reel container's `status_code` is polled this often, ms (Meta advises about once a minute). */
  INSTAGRAM_CONTAINER_POLL_INTERVAL_MS: Type.Integer({ minimum: 10, default: 60_000 }),
  /** A container still IN_PROGRESS this long after its creation fails the post (`container_timeout`), ms (Meta: about 5 min). */
  INSTAGRAM_CONTAINER_POLL_DEADLINE_MS: Type.Integer({ minimum: 100, default: 5 * 60_000 }),
  /** At Instagram's publishing limit, a Reel reads `content_publishing_limit` again after this long, ms. */
  INSTAGRAM_LIMIT_RECHECK_MS: Type.Integer({ minimum: 10, default: 15 * 60_000 }),
  /** Largest video accepted as a Reel, bytes (sources say 300 MB or 1 GB; the smaller is enforced by default). */
  INSTAGRAM_REEL_MAX_BYTES: Type.Integer({ minimum: 1, default: 300 * 1024 * 1024 }),
  /** Jobs one replica works on at once. */
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 4 }),
  /** Idle poll of the job table, ms. */
  WORKER_POLL_INTERVAL_MS: Type.Integer({ minimum: 10, default: 1_000 }),
  /** A job lease; renewed while the job runs; another replica takes the job once it lapses, ms. */
  WORKER_LEASE_MS: Type.Integer({ minimum: 200, default: 60_000 }),
  /** Run the publish worker, webhook consumer and outbox relay in this process. */
  WORKER_ENABLED: Type.Boolean({ default: true }),
  /**
   * Public base URL under which TikTok downloads uploaded photos (docs/tiktok-api.md §3.4, §3.6):
   * it must lie under one of `PULL_FROM_URL_PREFIXES` and reach this service's `GET /media/public/`
   * (through the gateway), e.g. `https://media.example.com/media/public/`. Empty: photo posts of
   * stored media are refused (422 URL_NOT_VERIFIED); photo URLs still work.
   */
  MEDIA_PUBLIC_BASE_URL: Type.String({ default: '' }),
  /** Lifetime of a signed photo URL, ms (TikTok must finish downloading within 1 h of the task start). */
  MEDIA_PUBLIC_URL_TTL_MS: Type.Integer({ minimum: 60_000, default: 3 * 3600_000 }),
  /** Media no post needs any more is deleted this many days after its last use (0 = keep forever). */
  MEDIA_RETENTION_DAYS: Type.Integer({ minimum: 0, default: 30 }),
  /** How often a replica looks for media past its retention, ms. */
  MEDIA_RETENTION_SWEEP_MS: Type.Integer({ minimum: 10, default: 3600_000 }),
  /** Delay before retrying a step after a transient failure, ms (doubles per attempt, capped 10 min). */
  RETRY_BASE_DELAY_MS: Type.Integer({ minimum: 10, default: 5_000 }),
  /** Base delay between retries of a chunk PUT that got 5xx, ms (tiktok-client backoff). */
  CHUNK_RETRY_BASE_DELAY_MS: Type.Integer({ minimum: 1, default: 500 }),
})
export type PublishConfig = Static<typeof PublishConfig>

/** `PULL_FROM_URL_PREFIXES` as a list (empty entries dropped). */
export function pullPrefixes(config: Pick<PublishConfig, 'PULL_FROM_URL_PREFIXES'>): string[] {
  return config.PULL_FROM_URL_PREFIXES.split(',')
    .map((p) => p.trim())
    .filter(Boolean)
}
