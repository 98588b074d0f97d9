import { BaseConfig } from '@social-bridge/service-kit'
import { type Static, Type } from 'typebox'

/**
 * webhook-dispatch configuration: the shared variables plus its own (see `.env.example`).
 * Validated once at start (`startService`); tests build the object. Durations in ms unless `_SEC`.
 */
export const DispatchConfig = Type.Object({
  ...BaseConfig.properties,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3005 }),
  /** HS256 secret of internal identity tokens (≥ 32 bytes), shared with the gateway. */
  INTERNAL_JWT_SECRET: Type.String({ minLength: 32 }),
  DB_POOL_SIZE: Type.Integer({ minimum: 1, default: 10 }),
  /** `kid1:base64key,kid2:base64key` (32-byte keys): seal the endpoints' signing secrets (AES-256-GCM). */
  SECRET_ENCRYPTION_KEYS: Type.String({ minLength: 1 }),
  /** Key id new secrets are sealed under; one of SECRET_ENCRYPTION_KEYS. */
  SECRET_ENCRYPTION_ACTIVE_KEY_ID: Type.String({ minLength: 1 }),
  /**
   * Comma-separated hosts (`localhost`, `127.0.0.1`, `hooks.internal`) that may be plain `http`
   * and resolve to private addresses. Empty in production; `localhost` in development.
   */
  WEBHOOK_ALLOWED_HOSTS: Type.String({ default: '' }),
  /** A receiver must answer with 2xx within this long. */
  DELIVERY_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  /** First retry delay; each later one is 4× the previous (± 20 % jitter), capped at DELIVERY_RETRY_MAX_MS. */
  DELIVERY_RETRY_BASE_MS: Type.Integer({ minimum: 1, default: 5_000 }),
  DELIVERY_RETRY_MAX_MS: Type.Integer({ minimum: 1, default: 6 * 3_600_000 }),
  /** A delivery is retried this long after its first attempt; an endpoint failing this long is disabled. */
  DELIVERY_GIVE_UP_MS: Type.Integer({ minimum: 1, default: 3 * 86_400_000 }),
  /** How long a replica owns a delivery attempt (> the timeout) before another may take it over. */
  DELIVERY_LEASE_MS: Type.Integer({ minimum: 100, default: 30_000 }),
  /** Attempts in flight per replica. */
  DELIVERY_CONCURRENCY: Type.Integer({ minimum: 1, default: 32 }),
  /** Attempts in flight per replica to one endpoint (a slow receiver holds no more slots than this). */
  DELIVERY_ENDPOINT_CONCURRENCY: Type.Integer({ minimum: 1, default: 8 }),
  /** Domain events handled at once per replica (copies of the durable consumer; their inserts are batched). */
  CONSUMER_COPIES: Type.Integer({ minimum: 1, default: 16 }),
  /** Longest idle between two looks for due deliveries (a new event wakes the worker at once). */
  DELIVERY_POLL_MS: Type.Integer({ minimum: 10, default: 1_000 }),
  /** After rotation, deliveries carry signatures by both secrets this long. */
  SECRET_ROTATION_OVERLAP_SEC: Type.Integer({ minimum: 0, default: 86_400 }),
  /** Seconds between SSE heartbeats (`: heartbeat` comments). */
  SSE_HEARTBEAT_SEC: Type.Integer({ minimum: 1, default: 15 }),
})
export type DispatchConfig = Static<typeof DispatchConfig>
