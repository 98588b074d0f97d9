import { BaseConfig } from '@social-bridge/service-kit'
import { type Static, Type } from 'typebox'

/**
 * analytics-service configuration: the shared variables plus its own (documented in
 * `.env.example`). Validated once at start with `loadConfigOrExit(AnalyticsConfig)`; tests build
 * the object. Durations are in ms unless the name says `_SEC`.
 */
export const AnalyticsConfig = Type.Object({
  ...BaseConfig.properties,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3004 }),
  /** HS256 secret of internal identity tokens (≥ 32 bytes), shared with the gateway and auth-service. */
  INTERNAL_JWT_SECRET: Type.String({ minLength: 32 }),
  /** Connections of the service's one PostgreSQL pool (service-kit dbPlugin, `app.pg`). */
  DB_POOL_SIZE: Type.Integer({ minimum: 1, default: 10 }),
  /** auth-service base URL: access tokens and the active-connection list (`@social-bridge/auth-client`). */
  AUTH_SERVICE_URL: Type.String({ pattern: '^https?://' }),
  /** The app's client_key: the key of the shared TikTok call budget. */
  TIKTOK_CLIENT_KEY: Type.String({ minLength: 1 }),
  TIKTOK_API_BASE_URL: Type.String({ pattern: '^https?://', default: 'https://open.tiktokapis.com' }),
  /** Calls per window per Display endpoint, all replicas together (docs/tiktok-api.md §5: 600/min). */
  TIKTOK_RATE_LIMIT: Type.Integer({ minimum: 1, default: 600 }),
  TIKTOK_RATE_WINDOW_MS: Type.Integer({ minimum: 100, default: 60_000 }),
  /** Added to the window so calls that reach TikTok late never overlap its window edge. */
  TIKTOK_RATE_SAFETY_MS: Type.Integer({ minimum: 0, default: 1_000 }),
  /** After a 429 from TikTok, the endpoint is paused this long for every replica. */
  TIKTOK_RATE_LIMIT_BACKOFF_MS: Type.Integer({ minimum: 0, default: 60_000 }),
  /** Instagram Graph host (docs/instagram-api.md; the sandbox's Instagram base URL in tests). */
  INSTAGRAM_GRAPH_BASE_URL: Type.String({ pattern: '^https?://', default: 'https://graph.instagram.com' }),
  /**
   * Usage (%, the highest figure of `X-App-Usage` or the account's `X-Business-Use-Case-Usage`)
   * from which Instagram calls on that key are spaced `INSTAGRAM_USAGE_SLOW_INTERVAL_MS` apart
   * (docs/instagram-api.md "Rate limits").
   */
  INSTAGRAM_USAGE_SLOW_PCT: Type.Integer({ minimum: 1, maximum: 100, default: 75 }),
  /** Usage (%) from which no call is made on that key for `INSTAGRAM_USAGE_PAUSE_MS` (or Meta's regain estimate). */
  INSTAGRAM_USAGE_STOP_PCT: Type.Integer({ minimum: 1, maximum: 100, default: 95 }),
  INSTAGRAM_USAGE_SLOW_INTERVAL_MS: Type.Integer({ minimum: 0, default: 2_000 }),
  INSTAGRAM_USAGE_PAUSE_MS: Type.Integer({ minimum: 0, default: 15 * 60_000 }),
  /** After Meta throttles anyway (codes 4, 17, 32, 613, 80002 or HTTP 429), the key pauses this long, or Meta's estimate if longer. */
  INSTAGRAM_THROTTLE_BACKOFF_MS: Type.Integer({ minimum: 0, default: 15 * 60_000 }),
  /**
   * Sync cadence by post age: `maxAge=interval` steps, ascending, comma-separated, units
   * ms|s|m|h|d. A video older than the last step is no longer synced.
   */
  SYNC_CADENCE: Type.String({ minLength: 3, default: '1d=15m,7d=1h,90d=1d' }),
  /** Longest gap between two syncs of an account's stats (user info), even with no video due. */
  ACCOUNT_SYNC_INTERVAL_MS: Type.Integer({ minimum: 1000, default: 3_600_000 }),
  /** Re-list an account's videos (new posts made outside Social Bridge) at most this often. */
  VIDEO_RELIST_INTERVAL_MS: Type.Integer({ minimum: 1000, default: 6 * 3_600_000 }),
  /** On-demand sync: at most one per account per this many seconds. */
  MANUAL_SYNC_MIN_INTERVAL_SEC: Type.Integer({ minimum: 0, default: 300 }),
  SCHEDULER_ENABLED: Type.Boolean({ default: true }),
  SCHEDULER_TICK_MS: Type.Integer({ minimum: 10, default: 5_000 }),
  /** Accounts synced at once by one replica. */
  SYNC_CONCURRENCY: Type.Integer({ minimum: 1, default: 8 }),
  /** How long a replica owns a leased account before another may take it over. */
  SYNC_LEASE_MS: Type.Integer({ minimum: 1000, default: 10 * 60_000 }),
  /** Delay before retrying an account whose sync failed (TikTok or auth-service down). */
  SYNC_RETRY_MS: Type.Integer({ minimum: 0, default: 60_000 }),
  /** At start, list auth-service's active connections and track the ones we do not know. */
  CATCH_UP_ON_START: Type.Boolean({ default: true }),
  /** Run the comment sync loop (docs/instagram-api.md "Comments"); tests call `commentSync.runDue()`. */
  COMMENT_SYNC_ENABLED: Type.Boolean({ default: true }),
  COMMENT_SYNC_TICK_MS: Type.Integer({ minimum: 10, default: 5_000 }),
  /** Media whose comments one replica syncs per round. */
  COMMENT_SYNC_BATCH: Type.Integer({ minimum: 1, default: 10 }),
  /** Comments asked per page (Graph's `limit`, at most 50). */
  COMMENT_SYNC_PAGE_SIZE: Type.Integer({ minimum: 1, maximum: 50, default: 50 }),
  /** Pages per media per round: a longer thread resumes from its cursor in the next round. */
  COMMENT_SYNC_MAX_PAGES: Type.Integer({ minimum: 1, default: 10 }),
  /** How long a replica owns a media it syncs. */
  COMMENT_SYNC_LEASE_MS: Type.Integer({ minimum: 1000, default: 5 * 60_000 }),
  /** Retry after a transient failure (Instagram or auth-service down). */
  COMMENT_SYNC_RETRY_MS: Type.Integer({ minimum: 0, default: 60_000 }),
  /** Retry after Instagram's rate limit (codes 4, 17, 32, 613, 80002; the usage windows are an hour). */
  COMMENT_SYNC_RATE_LIMIT_BACKOFF_MS: Type.Integer({ minimum: 0, default: 15 * 60_000 }),
})
export type AnalyticsConfig = Static<typeof AnalyticsConfig>
