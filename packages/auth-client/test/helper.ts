/**
 * The REAL auth-service for the client's tests (`@social-bridge/auth-service/testing`): a fresh
 * database and NATS namespace, the TikTok sandbox on port 0, auth-service listening on port 0, and
 * accounts connected through its OAuth flow (the testing kit's `connectAccount`).
 */
import {
  AUTH_MIGRATIONS,
  startAuthService,
  TEST_REDIRECT_URI,
  testAuthConfig,
} from '@social-bridge/auth-service/testing'
import {
  connectAccount,
  createTestDatabase,
  createTestIdentities,
  createTestNamespace,
  type Teardownable,
} from '@social-bridge/service-kit/testing'
import { createSandbox, type Sandbox } from '@social-bridge/tiktok-sandbox'
import type { FastifyInstance } from 'fastify'
import { type AuthClient, type AuthClientOptions, createAuthClient } from '../src/index.js'

export const INTERNAL_SECRET = 'auth-client-test-internal-secret-32-bytes!'
const identities = createTestIdentities(INTERNAL_SECRET)

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
  /** Disconnects a connection of `tenantId` as its admin (`DELETE /connections/:id`); auth-service's status. */
  disconnect(tenantId: string, connectionId: string): Promise<number>
}

/** Starts the sandbox and auth-service (closed at teardown, newest first). */
export async function startAuth(t: Teardownable): Promise<AuthStack> {
  const databaseUrl = await createTestDatabase(t, { migrations: [AUTH_MIGRATIONS] })
  const namespace = createTestNamespace(t)
  const sandbox = await createSandbox({ redirectUris: [TEST_REDIRECT_URI] })
  t.teardown(() => sandbox.close())
  const config = testAuthConfig({
    databaseUrl,
    namespace,
    sandboxUrl: sandbox.url,
    internalSecret: INTERNAL_SECRET,
    overrides: { TIKTOK_SCOPES: 'user.info.basic,video.list,video.upload,video.publish' },
  })
  const { app: auth, url } = await startAuthService(t, config, { listen: true })
  const asAdmin = (tenantId: string) => identities.asUser({ tenantId, userId: 'u-1' })

  async function connect(tenantId: string) {
    const { openId } = sandbox.addUser()
    const { connectionId } = await connectAccount(auth, sandbox, {
      identities,
      openId,
      tenantId,
      userId: 'u-1',
    })
    return { connectionId, openId }
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

  async function disconnect(tenantId: string, connectionId: string) {
    const res = await auth.inject({
      method: 'DELETE',
      url: `/connections/${connectionId}`,
      headers: await asAdmin(tenantId),
    })
    return res.statusCode
  }

  return { sandbox, auth, url, connect, client, asAdmin, disconnect }
}
