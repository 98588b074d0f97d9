/**
 * @social-bridge/analytics-service/testing — analytics-service for tests and benchmarks, the way it
 * runs: its own database and NATS namespace, the TikTok sandbox, and the REAL auth-service
 * (`startAuthStack`: same database — it only touches schema `auth` — and namespace, so its
 * `social.connection.*` events reach our consumers). Accounts connect through auth-service's OAuth.
 */
import type { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { startAuthStack } from '@social-bridge/auth-service/testing'
import { createFastifyOptions } from '@social-bridge/service-kit'
import { connectAccount, createTestIdentities, type Teardownable } from '@social-bridge/service-kit/testing'
import type { Sandbox, SandboxSettings } from '@social-bridge/tiktok-sandbox'
import Fastify, { type FastifyInstance } from 'fastify'
import app from '../src/app.js'
import type { AnalyticsConfig } from '../src/config.js'
import { testConfig } from './config.js'

export { testConfig } from './config.js'
/** INTERNAL_JWT_SECRET shared by the test's analytics- and auth-service. */
export const INTERNAL_SECRET = 'analytics-test-internal-secret-32-bytes!!'
const identities = createTestIdentities(INTERNAL_SECRET)
/** analytics-service's migrations: the context's database is cloned from a template that has them. */
const ANALYTICS_MIGRATIONS = {
  schema: 'analytics',
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
}

/** Options of {@link build}. */
export interface BuildOptions {
  overrides?: Partial<AnalyticsConfig>
  sandboxSettings?: Partial<SandboxSettings>
  /** Captures analytics-service's log lines (level info); silent otherwise. */
  logStream?: Writable
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

/** Connects `openId` for `tenantId` through auth-service's real OAuth flow (sandbox consent). */
export async function connectThroughAuth(
  auth: FastifyInstance,
  sandbox: Sandbox,
  openId: string,
  tenantId: string,
) {
  return (await connectAccount(auth, sandbox, { identities, openId, tenantId, userId: 'u-1' })).connectionId
}

/**
 * Builds the whole context (closed at teardown, newest first). The app clock follows the
 * sandbox's virtual clock, so `sandbox.advanceClock` ages posts and makes them due.
 */
export async function build(t: Teardownable, opts: BuildOptions = {}): Promise<TestContext> {
  const { databaseUrl, namespace, sandbox, auth, authUrl } = await startAuthStack(t, {
    internalSecret: INTERNAL_SECRET,
    sandbox: { settings: opts.sandboxSettings ?? {} },
    migrations: [ANALYTICS_MIGRATIONS],
  })
  const config = testConfig({ databaseUrl, namespace, sandboxUrl: sandbox.url, authUrl }, opts.overrides)
  return {
    app: await startAnalytics(t, config, sandbox, opts.logStream),
    auth,
    sandbox,
    config,
    databaseUrl,
    namespace,
    connect: (openId, tenantId = 'tenant-a') => connectThroughAuth(auth, sandbox, openId, tenantId),
  }
}

/**
 * Another analytics-service on `config` (a replica, when it is the context's config), closed at
 * teardown; its clock follows the sandbox's virtual clock. Logs go to `logStream` (level info)
 * when given, else nowhere.
 */
export async function startAnalytics(
  t: Teardownable,
  config: AnalyticsConfig,
  sandbox: Sandbox,
  logStream?: Writable,
): Promise<FastifyInstance> {
  const analytics = Fastify(
    createFastifyOptions({
      service: 'analytics-service',
      logLevel: logStream ? 'info' : 'silent',
      ...(logStream ? { logStream } : {}),
    }),
  )
  await analytics.register(app, { config, clock: () => new Date(sandbox.now()) })
  t.teardown(() => analytics.close())
  await analytics.ready()
  return analytics
}
