/**
 * Test stack of publish-service: a fresh database and NATS namespace, the TikTok sandbox on port
 * 0, the REAL auth-service listening on port 0 (access tokens over HTTP), a webhook relay, and
 * `buildPublish` for one or more publish-service replicas (closed at teardown). The usual steps of
 * a publish test (upload, create, follow) are in `post-steps.ts`, re-exported here.
 */
import { fileURLToPath } from 'node:url'
import { startAuthStack, TEST_REDIRECT_URI } from '@social-bridge/auth-service/testing'
import { createFastifyOptions } from '@social-bridge/service-kit'
import {
  connectAccount,
  createTestIdentities,
  waitUntil as kitWaitUntil,
  type Teardownable,
} from '@social-bridge/service-kit/testing'
import type { Sandbox, SandboxSettings } from '@social-bridge/tiktok-sandbox'
import Fastify, { type FastifyInstance } from 'fastify'
import publishApp from '../src/app.js'
import type { PublishConfig } from '../src/config.js'
import type { WorkerHooks } from '../src/workers/deps.js'
import { testPublishConfig } from './publish-config.js'
import { startWebhookRelay } from './webhook-relay.js'

export * from './post-steps.js'
export * from './publish-config.js'
export * from './worker-deps.js'
export const REDIRECT_URI = TEST_REDIRECT_URI
export const INTERNAL_SECRET = 'publish-test-internal-secret-32-bytes!!'
export const CLIENT_KEY = 'sbx_client_key'
export const CLIENT_SECRET = 'sbx_client_secret'
/** The verified PULL_FROM_URL prefix (sandbox and service agree on it). */
export const VERIFIED_PREFIX = 'https://media.social-bridge.test/videos/'
/** `MEDIA_PUBLIC_BASE_URL` of the tests: under the verified prefix (the sandbox rewrites it to the app). */
export const PUBLIC_MEDIA_BASE = `${VERIFIED_PREFIX}public/`
export const MIB = 1024 * 1024
export const TENANT = 'tenant-a'
export const USER = { tenantId: TENANT, userId: 'user-1', roles: ['social_marketing'] }
const identities = createTestIdentities(INTERNAL_SECRET)
/** publish-service's migrations: the stack's database is cloned from a template that has them. */
const PUBLISH_MIGRATIONS = {
  schema: 'publish',
  migrationsFolder: fileURLToPath(new URL('../drizzle', import.meta.url)),
}

/** Headers of a CRM user request as the gateway forwards it. */
export const asUser = (user: { tenantId: string; userId: string; roles: string[] } = USER) =>
  identities.asUser(user)

/** Polls `check` every 25 ms until true or `timeoutMs` (default 15 s). */
export const waitUntil = (check: () => boolean | Promise<boolean>, timeoutMs = 15_000) =>
  kitWaitUntil(check, timeoutMs)

/** Options of {@link buildStack}. */
export interface StackOptions {
  sandboxSettings?: Partial<SandboxSettings>
  /** publish-service config overrides (all replicas). */
  config?: Partial<PublishConfig>
  /** Start the first replica's worker (default true). */
  worker?: boolean
  hooks?: WorkerHooks
}

/** Everything a test needs; `connect` links a new sandbox user through auth-service. */
export interface Stack {
  sandbox: Sandbox
  auth: FastifyInstance
  app: FastifyInstance
  config: PublishConfig
  databaseUrl: string
  namespace: string
  /** Where the sandbox sends webhooks (the relay). */
  webhookUrl: string
  /** Another publish-service replica on the same database and namespace. */
  replica(overrides?: Partial<PublishConfig>, hooks?: WorkerHooks): Promise<FastifyInstance>
  /** `scopes`: what the creator grants on the consent page (default: everything asked). */
  connect(
    user?: Parameters<Sandbox['addUser']>[0],
    tenant?: string,
    scopes?: string[],
  ): Promise<{ connectionId: string; openId: string }>
  /** Links a new TikTok Shop seller of the sandbox through auth-service (a connection that cannot post). */
  connectShop(tenant?: string): Promise<{ connectionId: string; openId: string }>
  /** Links a new Instagram account of the sandbox (default a BUSINESS account) through auth-service's Business Login. */
  connectInstagram(
    account?: Parameters<Sandbox['instagram']['addAccount']>[0],
    tenant?: string,
  ): Promise<{ connectionId: string; igUserId: string }>
}

/** Builds and readies one publish-service replica (closed at teardown). */
export async function buildPublish(
  t: Teardownable,
  config: PublishConfig,
  hooks?: WorkerHooks,
): Promise<FastifyInstance> {
  const app = Fastify(createFastifyOptions({ service: 'publish-service', logLevel: 'silent' }))
  await app.register(publishApp, { config, ...(hooks ? { workerHooks: hooks } : {}) })
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/** Starts the sandbox, auth-service, the webhook relay and one publish-service replica. */
export async function buildStack(t: Teardownable, opts: StackOptions = {}): Promise<Stack> {
  const { databaseUrl, namespace, sandbox, auth, authUrl } = await startAuthStack(t, {
    internalSecret: INTERNAL_SECRET,
    sandbox: {
      clientKey: CLIENT_KEY,
      clientSecret: CLIENT_SECRET,
      verifiedUrlPrefixes: [VERIFIED_PREFIX],
      settings: {
        processingDelayMs: 20,
        publiclyAvailableDelayMs: 100,
        webhookRetryBaseDelayMs: 20,
        ...opts.sandboxSettings,
      },
    },
    overrides: { TIKTOK_SCOPES: 'user.info.basic,video.upload,video.publish' },
    migrations: [PUBLISH_MIGRATIONS],
  })
  const webhookUrl = await startWebhookRelay(t, { namespace, clientSecret: CLIENT_SECRET })
  sandbox.updateConfig({ webhookUrl })
  const configFor = (overrides: Partial<PublishConfig> = {}) =>
    testPublishConfig({ databaseUrl, namespace, sandboxUrl: sandbox.url, authUrl, overrides })
  const config = configFor({ ...opts.config, ...(opts.worker === false ? { WORKER_ENABLED: false } : {}) })
  const app = await buildPublish(t, config, opts.hooks)
  return {
    sandbox,
    auth,
    app,
    config,
    databaseUrl,
    namespace,
    webhookUrl,
    replica: (overrides, hooks) => buildPublish(t, configFor({ ...opts.config, ...overrides }), hooks),
    async connect(userInput = {}, tenant = TENANT, scopes?: string[]) {
      const { openId } = sandbox.addUser(userInput)
      const opts = { identities, openId, tenantId: tenant, ...(scopes ? { scopes } : {}) }
      const { connectionId } = await connectAccount(auth, sandbox, opts)
      return { connectionId, openId }
    },
    async connectShop(tenant = TENANT) {
      const { openId } = sandbox.shop.addSeller()
      const consent = { approve: (url: string) => sandbox.shop.approve(url, openId) }
      const opts = { identities, openId, tenantId: tenant, provider: 'tiktok_shop' as const }
      const { connectionId } = await connectAccount(auth, consent, opts)
      return { connectionId, openId }
    },
    async connectInstagram(account = {}, tenant = TENANT) {
      const { igUserId } = sandbox.instagram.addAccount(account)
      const consent = { approve: (url: string) => sandbox.instagram.approve(url, igUserId) }
      const opts = { identities, openId: igUserId, tenantId: tenant, provider: 'instagram' as const }
      const { connectionId } = await connectAccount(auth, consent, opts)
      return { connectionId, igUserId }
    },
  }
}
