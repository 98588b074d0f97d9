/**
 * The REAL auth-service for the client's tests: a fresh database and NATS namespace, the TikTok
 * sandbox on port 0, auth-service listening on port 0, and accounts connected through its OAuth
 * flow (authorize → sandbox consent → callback).
 */
import { randomBytes } from 'node:crypto'
import authApp from '@social-bridge/auth-service'
import {
  createFastifyOptions,
  createInternalTokenSigner,
  createTestDatabase,
  createTestNamespace,
  TEST_NATS_URL,
  type Teardownable,
} from '@social-bridge/service-kit'
import { createSandbox, type Sandbox } from '@social-bridge/tiktok-sandbox'
import Fastify, { type FastifyInstance } from 'fastify'
import { type AuthClient, type AuthClientOptions, createAuthClient } from '../src/index.js'

export const INTERNAL_SECRET = 'auth-client-test-internal-secret-32-bytes!'
const REDIRECT_URI = 'https://gateway.test/v1/connections/tiktok/callback'
const signer = createInternalTokenSigner({ secret: INTERNAL_SECRET })

/** What {@link startAuth} returns. */
export interface AuthStack {
  sandbox: Sandbox
  auth: FastifyInstance
  /** auth-service's base URL. */
  url: string
  /** Connects a new sandbox user for `tenantId`; returns the connection id and its open_id. */
  connect(tenantId: string): Promise<{ connectionId: string; openId: string }>
  /** A client of this auth-service (closed at teardown); `service` defaults to `publish-service`. */
  client(overrides?: Partial<AuthClientOptions>): AuthClient
  /** Headers of a CRM admin of `tenantId`, as the gateway forwards them. */
  asAdmin(tenantId: string): Promise<Record<string, string>>
}

/** Starts the sandbox and auth-service (closed at teardown, newest first). */
export async function startAuth(t: Teardownable): Promise<AuthStack> {
  const databaseUrl = await createTestDatabase(t)
  const namespace = createTestNamespace(t)
  const sandbox = await createSandbox({ redirectUris: [REDIRECT_URI] })
  t.teardown(() => sandbox.close())
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
      TIKTOK_SCOPES: 'user.info.basic,video.list,video.upload,video.publish',
      TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'k1',
      OAUTH_COOKIE_SECRET: 'auth-client-test-cookie-secret-32-chars!',
      RETURN_URL_ALLOWLIST: 'https://crm.test',
      DEFAULT_RETURN_URL: 'https://crm.test/settings',
      REFRESH_MARGIN_SEC: 300,
      REFRESH_SCHEDULER_INTERVAL_MS: 0,
    },
    refreshRetryDelaysMs: [10, 20],
  })
  t.teardown(() => auth.close())
  const url = await auth.listen({ host: '127.0.0.1', port: 0 })
  const asAdmin = async (tenantId: string) => ({
    'x-internal-token': await signer.sign({ kind: 'user', tenantId, userId: 'u-1', roles: ['admin'] }),
  })

  async function connect(tenantId: string) {
    const { openId } = sandbox.addUser()
    const start = await auth.inject({
      url: '/connections/tiktok/authorize',
      headers: { ...(await asAdmin(tenantId)), accept: 'application/json' },
    })
    if (start.statusCode !== 200) throw new Error(`authorize answered ${start.statusCode}`)
    const location = new URL(sandbox.approve(start.json().authorizeUrl, { openId }))
    const setCookie = start.headers['set-cookie']
    const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ''])
      .map((c) => c.split(';')[0])
      .join('; ')
    const done = await auth.inject({
      url: `/connections/tiktok/callback${location.search}`,
      headers: { 'x-internal-token': await signer.forService('gateway'), cookie, accept: 'application/json' },
    })
    if (done.json().outcome !== 'connected') throw new Error(`callback answered ${done.statusCode}`)
    return { connectionId: done.json().connectionId as string, openId }
  }

  function client(overrides: Partial<AuthClientOptions> = {}) {
    const c = createAuthClient({
      baseUrl: url,
      internalJwtSecret: INTERNAL_SECRET,
      service: 'publish-service',
      ...overrides,
    })
    t.teardown(() => c.close())
    return c
  }

  return { sandbox, auth, url, connect, client, asAdmin }
}
