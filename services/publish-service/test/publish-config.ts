import { testBaseConfig } from '@social-bridge/service-kit/testing'
import type { PublishConfig } from '../src/config.js'
import { CLIENT_KEY, CLIENT_SECRET, INTERNAL_SECRET, PUBLIC_MEDIA_BASE, VERIFIED_PREFIX } from './helper.js'

/** The config of a replica (fast polls and job leases for tests). */
export function testPublishConfig(input: {
  databaseUrl: string
  namespace: string
  sandboxUrl: string
  authUrl: string
  overrides?: Partial<PublishConfig>
}): PublishConfig {
  return {
    ...testBaseConfig(input),
    INTERNAL_JWT_SECRET: INTERNAL_SECRET,
    DB_POOL_SIZE: 5, // three replicas a test, four test files at once, one server of 100 connections
    AUTH_SERVICE_URL: input.authUrl,
    TIKTOK_CLIENT_KEY: CLIENT_KEY,
    TIKTOK_CLIENT_SECRET: CLIENT_SECRET,
    TIKTOK_API_BASE_URL: input.sandboxUrl,
    TIKTOK_RATE_LIMIT_BACKOFF_MS: 100,
    PULL_FROM_URL_PREFIXES: VERIFIED_PREFIX,
    CHUNK_SIZE_BYTES: 10_000_000,
    MEDIA_BUCKET: 'publish_media',
    POLL_INITIAL_INTERVAL_MS: 50,
    POLL_MAX_INTERVAL_MS: 200,
    POLL_DEADLINE_MS: 20_000,
    POST_ID_POLL_INTERVAL_MS: 100,
    POST_ID_POLL_DEADLINE_MS: 10_000,
    INBOX_POLL_INTERVAL_MS: 100,
    INBOX_POLL_DEADLINE_MS: 20_000,
    WORKER_CONCURRENCY: 4,
    WORKER_POLL_INTERVAL_MS: 25,
    WORKER_LEASE_MS: 3000,
    WORKER_ENABLED: true,
    RETRY_BASE_DELAY_MS: 50,
    INSTAGRAM_GRAPH_BASE_URL: `${input.sandboxUrl}/instagram/graph`,
    INSTAGRAM_CONTAINER_POLL_INTERVAL_MS: 50,
    INSTAGRAM_CONTAINER_POLL_DEADLINE_MS: 20_000,
    INSTAGRAM_LIMIT_RECHECK_MS: 100,
    INSTAGRAM_REEL_MAX_BYTES: 300 * 1024 * 1024,
    CHUNK_RETRY_BASE_DELAY_MS: 5,
    MEDIA_PUBLIC_BASE_URL: PUBLIC_MEDIA_BASE,
    MEDIA_PUBLIC_URL_TTL_MS: 3600_000,
    MEDIA_RETENTION_DAYS: 30,
    MEDIA_RETENTION_SWEEP_MS: 3600_000,
    ...input.overrides,
  }
}
