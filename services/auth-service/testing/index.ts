/**
 * @social-bridge/auth-service/testing — a real auth-service for other packages' tests (publish-
 * and analytics-service get their access tokens from it) and for its own: a complete test config
 * and an app started on a test database and NATS namespace, against the TikTok sandbox.
 */
import { randomBytes } from 'node:crypto'
import type { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { createFastifyOptions } from '@social-bridge/service-kit'
import {
  createTestDatabase,
  createTestNamespace,
  type Teardownable,
  type TestMigrations,
  testBaseConfig,
} from '@social-bridge/service-kit/testing'
import { createSandbox, type Sandbox, type SandboxOptions } from '@social-bridge/tiktok-sandbox'
import Fastify, { type FastifyInstance } from 'fastify'
import authApp from '../src/app.js'
import type { AuthConfig } from '../src/config.js'

/** For seeding many connections at once (benchmarks): sealed tokens and their refresh schedule. */
export { sealTokens } from '../src/domain/sealed-tokens.js'
export { tokenTiming } from '../src/domain/token-timing.js'

/**
 * auth-service's migrations (schema `auth`): a test database made with them
 * (`createTestDatabase(t, { migrations: [AUTH_MIGRATIONS] })`) is cloned from a migrated template.
 */
export const AUTH_MIGRATIONS: TestMigrations = {
  schema: 'auth',
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
}

/** The redirect URI the tests register at the sandbox (the gateway's callback). */
export const TEST_REDIRECT_URI = 'https://gateway.test/v1/connections/tiktok/callback'
/** The TikTok Shop redirect URI the tests register at the sandbox (the gateway's shop callback). */
export const TEST_SHOP_REDIRECT_URI = 'https://gateway.test/v1/connections/tiktok_shop/callback'
/** The sandbox's TikTok Shop app (its defaults), with our redirect URI. */
export const TEST_SHOP_APP = {
  appKey: 'sbx_shop_app_key',
  appSecret: 'sbx_shop_app_secret',
  serviceId: 'sbx_shop_service_id',
  redirectUri: TEST_SHOP_REDIRECT_URI,
}
/** The Instagram redirect URI the tests register at the sandbox (the gateway's Instagram callback). */
export const TEST_INSTAGRAM_REDIRECT_URI = 'https://gateway.test/v1/connections/instagram/callback'
/** The sandbox's Instagram app (its defaults), with our redirect URI (`SandboxOptions.instagram`). */
export const TEST_INSTAGRAM_APP = {
  appId: 'sbx_ig_app_id',
  appSecret: 'sbx_ig_app_secret',
  redirectUris: [TEST_INSTAGRAM_REDIRECT_URI],
}
/** The CRM origin allowed as a `returnUrl`, and the default return URL on it. */
export const TEST_CRM_ORIGIN = 'https://crm.test'
export const TEST_DEFAULT_RETURN_URL = `${TEST_CRM_ORIGIN}/settings/integrations`
/** Every scope the product asks for. */
export const ALL_SCOPES =
  'user.info.basic,user.info.profile,user.info.stats,video.list,video.upload,video.publish'

/** A random 32-byte key, base64 (for TOKEN_ENCRYPTION_KEYS). */
export const newKey = () => randomBytes(32).toString('base64')

/** Where the test auth-service runs and whom it trusts. */
export interface TestAuthInput {
  databaseUrl: string
  namespace: string
  /** The sandbox's base URL (both TikTok hosts). */
  sandboxUrl: string
  /** INTERNAL_JWT_SECRET shared with the other services of the test. */
  internalSecret: string
  /** Config values that win over the defaults. */
  overrides?: Partial<AuthConfig>
}

/**
 * A complete auth-service config for a test: the sandbox's default app credentials (TikTok,
 * TikTok Shop and Instagram, all on the sandbox), every scope,
 * a fresh token key `k1`, no background refresh scheduler (`REFRESH_SCHEDULER_INTERVAL_MS: 0`), no
 * access-token cache (`ACCESS_TOKEN_CACHE_TTL_MS: 0`).
 */
export function testAuthConfig(input: TestAuthInput): AuthConfig {
  return {
    ...testBaseConfig(input),
    INTERNAL_JWT_SECRET: input.internalSecret,
    DB_POOL_SIZE: 8, // four test files at once share the server's 100 connections
    TIKTOK_CLIENT_KEY: 'sbx_client_key',
    TIKTOK_CLIENT_SECRET: 'sbx_client_secret',
    TIKTOK_AUTH_BASE_URL: input.sandboxUrl,
    TIKTOK_API_BASE_URL: input.sandboxUrl,
    TIKTOK_REDIRECT_URI: TEST_REDIRECT_URI,
    TIKTOK_SCOPES: ALL_SCOPES,
    TIKTOK_SHOP_APP_KEY: TEST_SHOP_APP.appKey,
    TIKTOK_SHOP_APP_SECRET: TEST_SHOP_APP.appSecret,
    TIKTOK_SHOP_SERVICE_ID: TEST_SHOP_APP.serviceId,
    TIKTOK_SHOP_AUTHORIZE_BASE_URL: input.sandboxUrl,
    TIKTOK_SHOP_AUTH_BASE_URL: input.sandboxUrl,
    TIKTOK_SHOP_API_BASE_URL: input.sandboxUrl,
    INSTAGRAM_APP_ID: TEST_INSTAGRAM_APP.appId,
    INSTAGRAM_APP_SECRET: TEST_INSTAGRAM_APP.appSecret,
    INSTAGRAM_REDIRECT_URI: TEST_INSTAGRAM_REDIRECT_URI,
    INSTAGRAM_AUTHORIZE_BASE_URL: `${input.sandboxUrl}/instagram/www`,
    INSTAGRAM_API_BASE_URL: `${input.sandboxUrl}/instagram/api`,
    INSTAGRAM_GRAPH_BASE_URL: `${input.sandboxUrl}/instagram/graph`,
    TOKEN_ENCRYPTION_KEYS: `k1:${newKey()}`,
    TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'k1',
    OAUTH_COOKIE_SECRET: 'test-cookie-secret-at-least-32-characters',
    RETURN_URL_ALLOWLIST: TEST_CRM_ORIGIN,
    DEFAULT_RETURN_URL: TEST_DEFAULT_RETURN_URL,
    REFRESH_MARGIN_SEC: 300,
    REFRESH_SCHEDULER_INTERVAL_MS: 0,
    // Tests move a row's times with SQL to stand for time passing, and expect the next hand-out to
    // read the row: the access-token cache is off unless a test turns it on.
    ACCESS_TOKEN_CACHE_TTL_MS: 0,
    ...input.overrides,
  }
}

/** Options of {@link startAuthService} beyond the config. */
export interface StartAuthOptions {
  /** Listen on 127.0.0.1, port 0 (default false: `inject` only). */
  listen?: boolean
  /** Captures log lines (level info); silent otherwise. */
  logStream?: Writable
  /** Delays between in-request retries of a transient refresh failure, ms (default [10, 20]). */
  refreshRetryDelaysMs?: number[]
}

/**
 * Builds and readies auth-service with `config`, closed at teardown.
 * @returns the app and, when listening, its base URL (`http://127.0.0.1:<port>`, else '').
 */
export async function startAuthService(
  t: Teardownable,
  config: AuthConfig,
  opts: StartAuthOptions = {},
): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify(
    createFastifyOptions({
      service: 'auth-service',
      logLevel: opts.logStream ? 'info' : 'silent',
      ...(opts.logStream ? { logStream: opts.logStream } : {}),
    }),
  )
  await app.register(authApp, { config, refreshRetryDelaysMs: opts.refreshRetryDelaysMs ?? [10, 20] })
  t.teardown(() => app.close())
  const url = opts.listen ? await app.listen({ host: '127.0.0.1', port: 0 }) : ''
  if (!opts.listen) await app.ready()
  return { app, url }
}

/** Options of {@link startAuthStack}. */
export interface AuthStackOptions {
  /** INTERNAL_JWT_SECRET shared with the other services of the test. */
  internalSecret: string
  /** Sandbox options; TEST_REDIRECT_URI is always the registered redirect URI. */
  sandbox?: Omit<SandboxOptions, 'redirectUris'>
  /** auth-service config values that win over {@link testAuthConfig}'s. */
  overrides?: Partial<AuthConfig>
  /** The calling service's own migrations, applied to the shared test database with auth's. */
  migrations?: TestMigrations[]
}

/** What {@link startAuthStack} returns. */
export interface AuthTestStack {
  databaseUrl: string
  namespace: string
  sandbox: Sandbox
  auth: FastifyInstance
  /** auth-service's base URL (`http://127.0.0.1:<port>`). */
  authUrl: string
}

/**
 * What a service needing real access tokens starts its tests with: a fresh test database (auth's
 * and `opts.migrations` already applied) and NATS namespace, the TikTok sandbox on port 0, and
 * auth-service listening on port 0 against it. All closed at teardown, newest first.
 */
export async function startAuthStack(t: Teardownable, opts: AuthStackOptions): Promise<AuthTestStack> {
  const databaseUrl = await createTestDatabase(t, {
    migrations: [AUTH_MIGRATIONS, ...(opts.migrations ?? [])],
  })
  const namespace = createTestNamespace(t)
  const sandbox = await createSandbox({
    ...opts.sandbox,
    redirectUris: [TEST_REDIRECT_URI],
    shop: { ...TEST_SHOP_APP, ...opts.sandbox?.shop },
    instagram: { ...TEST_INSTAGRAM_APP, ...opts.sandbox?.instagram },
  })
  t.teardown(() => sandbox.close())
  const config = testAuthConfig({
    databaseUrl,
    namespace,
    sandboxUrl: sandbox.url,
    internalSecret: opts.internalSecret,
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
  })
  const { app: auth, url: authUrl } = await startAuthService(t, config, { listen: true })
  return { databaseUrl, namespace, sandbox, auth, authUrl }
}
