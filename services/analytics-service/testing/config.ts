import { TEST_NATS_URL } from '@social-bridge/service-kit/testing'
import type { AnalyticsConfig } from '../src/config.js'
import { INTERNAL_SECRET } from './index.js'

/** A complete analytics config; the scheduler is off (tests drive `app.scheduler.drain()`). */
export function testConfig(
  input: { databaseUrl: string; namespace: string; sandboxUrl: string; authUrl: string },
  overrides: Partial<AnalyticsConfig> = {},
): AnalyticsConfig {
  return {
    HOST: '127.0.0.1',
    PORT: 0,
    LOG_LEVEL: 'silent' as never,
    DATABASE_URL: input.databaseUrl,
    DB_POOL_SIZE: 10,
    NATS_URL: TEST_NATS_URL,
    NATS_NAMESPACE: input.namespace,
    NATS_STREAM_REPLICAS: 1,
    INTERNAL_JWT_SECRET: INTERNAL_SECRET,
    AUTH_SERVICE_URL: input.authUrl,
    TIKTOK_CLIENT_KEY: 'sbx_client_key',
    TIKTOK_API_BASE_URL: input.sandboxUrl,
    TIKTOK_RATE_LIMIT: 600,
    TIKTOK_RATE_WINDOW_MS: 60_000,
    TIKTOK_RATE_SAFETY_MS: 1000,
    TIKTOK_RATE_LIMIT_BACKOFF_MS: 1000,
    // the sandbox serves graph.instagram.com under /instagram/graph
    INSTAGRAM_GRAPH_BASE_URL: `${input.sandboxUrl}/instagram/graph`,
    INSTAGRAM_USAGE_SLOW_PCT: 75,
    INSTAGRAM_USAGE_STOP_PCT: 95,
    INSTAGRAM_USAGE_SLOW_INTERVAL_MS: 20,
    INSTAGRAM_USAGE_PAUSE_MS: 60 * 60_000,
    INSTAGRAM_THROTTLE_BACKOFF_MS: 60_000,
    SYNC_CADENCE: '1d=15m,7d=1h,90d=1d',
    ACCOUNT_SYNC_INTERVAL_MS: 3_600_000,
    VIDEO_RELIST_INTERVAL_MS: 6 * 3_600_000,
    MANUAL_SYNC_MIN_INTERVAL_SEC: 300,
    SCHEDULER_ENABLED: false,
    SCHEDULER_TICK_MS: 50,
    SYNC_CONCURRENCY: 4,
    SYNC_LEASE_MS: 60_000,
    SYNC_RETRY_MS: 100,
    CATCH_UP_ON_START: false,
    COMMENT_SYNC_ENABLED: false,
    COMMENT_SYNC_TICK_MS: 50,
    COMMENT_SYNC_BATCH: 10,
    COMMENT_SYNC_PAGE_SIZE: 50,
    COMMENT_SYNC_MAX_PAGES: 10,
    COMMENT_SYNC_LEASE_MS: 60_000,
    COMMENT_SYNC_RETRY_MS: 100,
    COMMENT_SYNC_RATE_LIMIT_BACKOFF_MS: 1000,
    ...overrides,
  }
}
