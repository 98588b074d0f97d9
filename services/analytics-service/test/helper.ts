/**
 * Builds analytics-service for a test the way it runs: its own database and NATS namespace, the
 * TikTok sandbox on port 0, and the REAL auth-service app in-process (listening on port 0, same
 * database — it only touches schema `auth` — and same namespace, so its `social.connection.*`
 * events reach our consumers). Accounts are connected through auth-service's OAuth flow.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import authApp from '@social-bridge/auth-service'
import { createFastifyOptions, createInternalTokenSigner } from '@social-bridge/service-kit'
import { createTestDatabase, createTestNamespace, waitUntil as kitWaitUntil, TEST_NATS_URL, type Teardownable } from '@social-bridge/service-kit/testing'
import { createSandbox, type Sandbox, type SandboxSettings } from '@social-bridge/tiktok-sandbox'
import Fastify, { type FastifyInstance } from 'fastify'
import app from '../src/app.js'
import type { AnalyticsConfig } from '../src/config.js'

export const INTERNAL_SECRET = 'analytics-test-internal-secret-32-bytes!!'
const REDIRECT_URI = 'https://gateway.test/v1/connections/tiktok/callback'
const signer = createInternalTokenSigner({ secret: INTERNAL_SECRET })

/** Headers of a CRM user's request as the gateway forwards it (default roles: social_marketing). */
export async function asUser(
  tenantId: string,
  roles = ['social_marketing'],
): Promise<Record<string, string>> {
  return { 'x-internal-token': await signer.sign({ kind: 'user', tenantId, userId: 'u-1', roles }) }
}

/** Options of {@link build}. */
export interface BuildOptions {
  overrides?: Partial<AnalyticsConfig>
  sandboxSettings?: Partial<SandboxSettings>
}

/** What {@link build} returns. */
export interface TestContext {
  app: FastifyInstance
  auth: FastifyInstance
  sandbox: Sandbox
  config: AnalyticsConfig
  databaseUrl: string
  namespace: string
  /** Connects a sandbox account through auth-service (authorize → consent → callback); returns the connection id. */
  connect(openId: string, tenantId?: string): Promise<string>
}

/** Starts auth-service on port 0 against the sandbox. */
async function startAuth(t: Teardownable, sandbox: Sandbox, databaseUrl: string, namespace: string) {
  const auth = Fastify(createFastifyOptions({ service: 'auth-service', logLevel: 'silent' }))
  await auth.register(authApp, {
    config: {
      HOST: '127.0.0.1',
      PORT: 0,
      LOG_LEVEL: 'silent' as never,
      DATABASE_URL: databaseUrl,
      NATS_URL: TEST_NATS_URL,
      NATS_NAMESPACE: namespace,
      INTERNAL_JWT_SECRET: INTERNAL_SECRET,
      TIKTOK_CLIENT_KEY: sandbox.clientKey,
      TIKTOK_CLIENT_SECRET: 'sbx_client_secret',
      TIKTOK_AUTH_BASE_URL: sandbox.url,
      TIKTOK_API_BASE_URL: sandbox.url,
      TIKTOK_REDIRECT_URI: REDIRECT_URI,
      TIKTOK_SCOPES:
        'user.info.basic,user.info.profile,user.info.stats,video.list,video.upload,video.publish',
      TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'k1',
      OAUTH_COOKIE_SECRET: 'analytics-test-cookie-secret-32-characters',
      RETURN_URL_ALLOWLIST: 'https://crm.test',
      DEFAULT_RETURN_URL: 'https://crm.test/settings',
      REFRESH_MARGIN_SEC: 300,
      REFRESH_SCHEDULER_INTERVAL_MS: 0,
    },
    refreshRetryDelaysMs: [10, 20],
  })
  t.teardown(() => auth.close())
  await auth.listen({ port: 0, host: '127.0.0.1' })
  return auth
}

/** Connects `openId` for `tenantId` through auth-service's real OAuth flow (sandbox consent). */
export async function connectThroughAuth(
  auth: FastifyInstance,
  sandbox: Sandbox,
  openId: string,
  tenantId: string,
) {
  const user = {
    'x-internal-token': await signer.sign({ kind: 'user', tenantId, userId: 'u-1', roles: ['admin'] }),
  }
  const start = await auth.inject({
    method: 'GET',
    url: '/connections/tiktok/authorize',
    headers: { ...user, accept: 'application/json' },
  })
  if (start.statusCode !== 200) throw new Error(`authorize answered ${start.statusCode}: ${start.body}`)
  const location = new URL(sandbox.approve(start.json().authorizeUrl, { openId }))
  const setCookie = start.headers['set-cookie']
  const cookies = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ''])
    .map((c) => c.split(';')[0])
    .join('; ')
  const done = await auth.inject({
    method: 'GET',
    url: `/connections/tiktok/callback${location.search}`,
    headers: {
      'x-internal-token': await signer.forService('gateway'),
      cookie: cookies,
      accept: 'application/json',
    },
  })
  const result = done.json()
  if (done.statusCode !== 200 || result.outcome !== 'connected') {
    throw new Error(`callback answered ${done.statusCode}: ${done.body}`)
  }
  return result.connectionId as string
}

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
    INTERNAL_JWT_SECRET: INTERNAL_SECRET,
    AUTH_SERVICE_URL: input.authUrl,
    TIKTOK_CLIENT_KEY: 'sbx_client_key',
    TIKTOK_API_BASE_URL: input.sandboxUrl,
    TIKTOK_RATE_LIMIT: 600,
    TIKTOK_RATE_WINDOW_MS: 60_000,
    TIKTOK_RATE_SAFETY_MS: 1000,
    TIKTOK_RATE_LIMIT_BACKOFF_MS: 1000,
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
    ...overrides,
  }
}

/**
 * Builds the whole context (closed at teardown, newest first). The app clock follows the
 * sandbox's virtual clock, so `sandbox.advanceClock` ages posts and makes them due.
 */
export async function build(t: Teardownable, opts: BuildOptions = {}): Promise<TestContext> {
  const databaseUrl = await createTestDatabase(t)
  const namespace = createTestNamespace(t)
  const sandbox = await createSandbox({ redirectUris: [REDIRECT_URI], settings: opts.sandboxSettings ?? {} })
  t.teardown(() => sandbox.close())
  const auth = await startAuth(t, sandbox, databaseUrl, namespace)
  const address = auth.server.address()
  const authUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  const config = testConfig({ databaseUrl, namespace, sandboxUrl: sandbox.url, authUrl }, opts.overrides)
  const analytics = Fastify(createFastifyOptions({ service: 'analytics-service', logLevel: 'silent' }))
  await analytics.register(app, { config, clock: () => new Date(sandbox.now()) })
  t.teardown(() => analytics.close())
  await analytics.ready()
  return {
    app: analytics,
    auth,
    sandbox,
    config,
    databaseUrl,
    namespace,
    connect: (openId, tenantId = 'tenant-a') => connectThroughAuth(auth, sandbox, openId, tenantId),
  }
}

/** Polls `check` until it holds; false after `timeoutMs` (default 10 s). */
export const waitUntil = (check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> =>
  kitWaitUntil(check, timeoutMs)

/** Waits until our consumer tracked the connection (its `connected` event arrived). */
export async function waitTracked(ctx: TestContext, connectionId: string): Promise<boolean> {
  return waitUntil(async () => {
    const rows = await ctx.app
      .pg`select 1 from analytics.connections where id = ${connectionId} and open_id is not null`
    return rows.length === 1
  })
}

/** Waits (up to 10 s) until the connection's first sync has been stored (`last_synced_at` set). */
export async function waitSynced(ctx: TestContext, connectionId: string): Promise<boolean> {
  return waitUntil(async () => {
    const rows = await ctx.app
      .pg`select 1 from analytics.connections where id = ${connectionId} and last_synced_at is not null`
    return rows.length === 1
  })
}

export const newTenant = () => `tenant-${randomUUID().slice(0, 8)}`
