/**
 * webhook-dispatch's test setup: the app on its own database and NATS namespace (real PostgreSQL
 * and NATS), domain events published onto SOCIAL_EVENTS as the services' outboxes do, and the
 * identities the gateway would send.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { Streams } from '@social-bridge/contracts'
import {
  createEnvelope,
  createEventBus,
  createFastifyOptions,
  ensureStreams,
} from '@social-bridge/service-kit'
import {
  createTestDatabase,
  createTestIdentities,
  createTestNamespace,
  type Teardownable,
  testBaseConfig,
} from '@social-bridge/service-kit/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import app from '../src/app.js'
import type { DispatchConfig } from '../src/config.js'

export { waitUntil } from '@social-bridge/service-kit/testing'
export { startReceiver } from '../testing/index.js'

export const INTERNAL_SECRET = 'dispatch-test-internal-secret-32-bytes!!'
const identities = createTestIdentities(INTERNAL_SECRET)

/** Headers of a CRM user's request as the gateway forwards it (default role: admin). */
export const asUser = (tenantId: string, roles = ['admin']) => identities.asUser({ tenantId, roles })

/** A fresh tenant id. */
export const newTenant = () => `tenant-${randomUUID().slice(0, 8)}`

/** A complete config for a test: retries every 50 ms (× 4ⁿ, capped at 200 ms), attempts of 2 s at most, leases of 3 s, localhost allowlisted. */
export function testConfig(
  input: { databaseUrl: string; namespace: string },
  overrides: Partial<DispatchConfig> = {},
): DispatchConfig {
  return {
    ...testBaseConfig(input),
    INTERNAL_JWT_SECRET: INTERNAL_SECRET,
    DB_POOL_SIZE: 5,
    SECRET_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    SECRET_ENCRYPTION_ACTIVE_KEY_ID: 'k1',
    WEBHOOK_ALLOWED_HOSTS: 'localhost',
    DELIVERY_TIMEOUT_MS: 2000,
    DELIVERY_RETRY_BASE_MS: 50,
    DELIVERY_RETRY_MAX_MS: 200,
    DELIVERY_GIVE_UP_MS: 3 * 86_400_000,
    DELIVERY_LEASE_MS: 3000,
    DELIVERY_CONCURRENCY: 8,
    DELIVERY_ENDPOINT_CONCURRENCY: 4,
    DELIVERY_POLL_MS: 100,
    CONSUMER_COPIES: 2,
    SECRET_ROTATION_OVERLAP_SEC: 86_400,
    SSE_HEARTBEAT_SEC: 1,
    ...overrides,
  }
}

/** What {@link build} returns. */
export interface TestContext {
  app: FastifyInstance
  config: DispatchConfig
  namespace: string
  /** Publishes a domain event on SOCIAL_EVENTS (un-namespaced `subject`) as an outbox relay would. @returns its id. */
  emit(subject: string, tenantId: string, data: Record<string, unknown>): Promise<string>
}

/** Starts a webhook-dispatch on `config` (a replica when it is another app's config), closed at teardown. */
export async function startDispatch(t: Teardownable, config: DispatchConfig): Promise<FastifyInstance> {
  const instance = Fastify(createFastifyOptions({ service: 'webhook-dispatch', logLevel: 'silent' }))
  await instance.register(app, { config })
  t.teardown(() => instance.close())
  await instance.ready()
  return instance
}

/** The app with its own database and namespace, and a publisher of domain events (on `overrides.NATS_URL` if given). */
export async function build(t: Teardownable, overrides: Partial<DispatchConfig> = {}): Promise<TestContext> {
  const namespace = createTestNamespace(t)
  const config = testConfig({ databaseUrl: await createTestDatabase(t), namespace }, overrides)
  // the emitter outlives a NATS restart (a private server a test stops), as the services' relays do
  const nc = await connect({ servers: config.NATS_URL, maxReconnectAttempts: -1, reconnectTimeWait: 250 })
  t.teardown(() => nc.close())
  await ensureStreams(await jetstreamManager(nc), [Streams.socialEvents], namespace)
  const bus = createEventBus(nc, namespace)
  return {
    app: await startDispatch(t, config),
    config,
    namespace,
    async emit(subject, tenantId, data) {
      const envelope = createEnvelope({ type: subject, tenantId, data })
      await bus.publish(subject, envelope)
      return envelope.id
    },
  }
}

/** Creates an endpoint through the API. @returns its id and signing secret. */
export async function createEndpoint(
  app: FastifyInstance,
  tenantId: string,
  body: { url: string; events?: string[] },
): Promise<{ id: string; secret: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/webhook-endpoints',
    headers: await asUser(tenantId),
    payload: { events: ['*'], ...body },
  })
  if (res.statusCode !== 201) throw new Error(`create endpoint: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** A `post.status_changed` domain payload. */
export const statusChanged = (from: string, to: string, postId = randomUUID()) => ({
  postId,
  connectionId: '00000000-0000-4000-8000-000000000001',
  from,
  to,
})

/** A `post.published` domain payload. */
export const postPublished = (publishId: string, tiktokPostIds: string[] = []) => ({
  postId: randomUUID(),
  connectionId: '00000000-0000-4000-8000-000000000001',
  publishId,
  tiktokPostIds,
})
