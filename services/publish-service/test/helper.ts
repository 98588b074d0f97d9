/**
 * Test stack of publish-service: a fresh database and NATS namespace, the TikTok sandbox on port
 * 0, the REAL auth-service listening on port 0 (access tokens over HTTP), a webhook relay, and
 * `buildPublish` for one or more publish-service replicas (closed at teardown).
 */
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import authApp, { type AuthAppOptions } from '@social-bridge/auth-service'
import {
  createFastifyOptions,
  createInternalTokenSigner,
  createTestDatabase,
  createTestNamespace,
  TEST_NATS_URL,
  type Teardownable,
} from '@social-bridge/service-kit'
import { createSandbox, type Sandbox, type SandboxSettings } from '@social-bridge/tiktok-sandbox'
import Fastify, { type FastifyInstance } from 'fastify'
import publishApp from '../src/app.js'
import type { PublishConfig } from '../src/config.js'
import type { WorkerDeps, WorkerHooks } from '../src/workers/deps.js'
import { createJobQueue } from '../src/workers/job-queue.js'
import { startWebhookRelay } from './webhook-relay.js'

export const INTERNAL_SECRET = 'publish-test-internal-secret-32-bytes!!'
export const CLIENT_KEY = 'sbx_client_key'
export const CLIENT_SECRET = 'sbx_client_secret'
export const REDIRECT_URI = 'https://gateway.test/v1/connections/tiktok/callback'
/** The verified PULL_FROM_URL prefix (sandbox and service agree on it). */
export const VERIFIED_PREFIX = 'https://media.social-bridge.test/videos/'
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
/** Sample videos: `../shared/media` relative to the repository root, or `SHARED_MEDIA_DIR`. */
export const MEDIA_DIR = process.env.SHARED_MEDIA_DIR ?? path.resolve(repoRoot, '../shared/media')
export const media = (name: string) => path.join(MEDIA_DIR, name)
export const MIB = 1024 * 1024

export const TENANT = 'tenant-a'
export const USER = { tenantId: TENANT, userId: 'user-1', roles: ['social_marketing'] }

const signer = createInternalTokenSigner({ secret: INTERNAL_SECRET })

/** Headers of a CRM user request as the gateway forwards it. */
export async function asUser(user: { tenantId: string; userId: string; roles: string[] } = USER) {
  return { 'x-internal-token': await signer.sign({ kind: 'user', ...user }) }
}

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
}

/** The config of a replica (fast polls and job leases for tests). */
export function testPublishConfig(input: {
  databaseUrl: string
  namespace: string
  sandboxUrl: string
  authUrl: string
  overrides?: Partial<PublishConfig>
}): PublishConfig {
  return {
    HOST: '127.0.0.1',
    PORT: 0,
    LOG_LEVEL: 'silent' as never,
    DATABASE_URL: input.databaseUrl,
    NATS_URL: TEST_NATS_URL,
    NATS_NAMESPACE: input.namespace,
    INTERNAL_JWT_SECRET: INTERNAL_SECRET,
    AUTH_SERVICE_URL: input.authUrl,
    TIKTOK_CLIENT_KEY: CLIENT_KEY,
    TIKTOK_CLIENT_SECRET: CLIENT_SECRET,
    TIKTOK_API_BASE_URL: input.sandboxUrl,
    TIKTOK_RATE_LIMIT_BACKOFF_MS: 100,
    PULL_FROM_URL_PREFIXES: VERIFIED_PREFIX,
    CHUNK_SIZE_BYTES: 10_000_000,
    MEDIA_BUCKET: 'publish_media',
    MEDIA_TMP_DIR: '',
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
    CHUNK_RETRY_BASE_DELAY_MS: 5,
    ...input.overrides,
  }
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

async function startAuth(t: Teardownable, sandbox: Sandbox, databaseUrl: string, namespace: string) {
  const config: AuthAppOptions['config'] = {
    HOST: '127.0.0.1',
    PORT: 0,
    LOG_LEVEL: 'silent' as never,
    DATABASE_URL: databaseUrl,
    NATS_URL: TEST_NATS_URL,
    NATS_NAMESPACE: namespace,
    INTERNAL_JWT_SECRET: INTERNAL_SECRET,
    TIKTOK_CLIENT_KEY: CLIENT_KEY,
    TIKTOK_CLIENT_SECRET: CLIENT_SECRET,
    TIKTOK_AUTH_BASE_URL: sandbox.url,
    TIKTOK_API_BASE_URL: sandbox.url,
    TIKTOK_REDIRECT_URI: REDIRECT_URI,
    TIKTOK_SCOPES: 'user.info.basic,video.upload,video.publish',
    TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'k1',
    OAUTH_COOKIE_SECRET: 'publish-test-cookie-secret-32-characters',
    RETURN_URL_ALLOWLIST: 'https://crm.test',
    DEFAULT_RETURN_URL: 'https://crm.test/settings',
    REFRESH_MARGIN_SEC: 300,
    REFRESH_SCHEDULER_INTERVAL_MS: 0,
  }
  const auth = Fastify(createFastifyOptions({ service: 'auth-service', logLevel: 'silent' }))
  await auth.register(authApp, { config, refreshRetryDelaysMs: [10, 20] })
  t.teardown(() => auth.close())
  const url = await auth.listen({ host: '127.0.0.1', port: 0 })
  return { auth, url }
}

/** Starts the sandbox, auth-service, the webhook relay and one publish-service replica. */
export async function buildStack(t: Teardownable, opts: StackOptions = {}): Promise<Stack> {
  const databaseUrl = await createTestDatabase(t)
  const namespace = createTestNamespace(t)
  t.teardown(() => deleteMediaBucket(namespace))
  const webhookUrl = await startWebhookRelay(t, { namespace, clientSecret: CLIENT_SECRET })
  const sandbox = await createSandbox({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
    verifiedUrlPrefixes: [VERIFIED_PREFIX],
    webhookUrl,
    settings: {
      processingDelayMs: 20,
      publiclyAvailableDelayMs: 100,
      webhookRetryBaseDelayMs: 20,
      ...opts.sandboxSettings,
    },
  })
  t.teardown(() => sandbox.close())
  const { auth, url: authUrl } = await startAuth(t, sandbox, databaseUrl, namespace)
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
      const user = sandbox.addUser(userInput)
      const headers = await asUser({ tenantId: tenant, userId: 'user-1', roles: ['admin'] })
      const start = await auth.inject({
        method: 'GET',
        url: '/connections/tiktok/authorize',
        headers: { ...headers, accept: 'application/json' },
      })
      if (start.statusCode !== 200) throw new Error(`authorize answered ${start.statusCode}: ${start.body}`)
      const location = sandbox.approve(start.json().authorizeUrl, { openId: user.openId, scopes })
      const callback = new URL(location)
      const cookie = [start.headers['set-cookie']]
        .flat()
        .filter((c): c is string => typeof c === 'string')
        .map((c) => c.split(';')[0])
        .join('; ')
      const done = await auth.inject({
        method: 'GET',
        url: `/connections/tiktok/callback${callback.search}`,
        headers: {
          'x-internal-token': await signer.forService('gateway'),
          cookie,
          accept: 'application/json',
        },
      })
      if (done.statusCode !== 200 || done.json().outcome !== 'connected')
        throw new Error(`callback answered ${done.statusCode}: ${done.body}`)
      return { connectionId: done.json().connectionId as string, openId: user.openId }
    },
  }
}

async function deleteMediaBucket(namespace: string) {
  const nc = await connect({ servers: TEST_NATS_URL })
  try {
    const jsm = await jetstreamManager(nc)
    for await (const s of jsm.streams.list()) {
      if (s.config.name.startsWith(`OBJ_${namespace}_`)) await jsm.streams.delete(s.config.name)
    }
  } finally {
    await nc.close()
  }
}

/** POSTs a file to `/media` (streamed body with its Content-Length); returns the response. */
export async function uploadMedia(app: FastifyInstance, file: string, contentType = 'video/mp4') {
  const body = await readFile(file)
  const { size } = await stat(file)
  return app.inject({
    method: 'POST',
    url: '/media',
    headers: { ...(await asUser()), 'content-type': contentType, 'content-length': String(size) },
    payload: body,
  })
}

/** Creates a post; returns the response. */
export async function createPost(
  app: FastifyInstance,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: '/posts',
    headers: { ...(await asUser()), ...headers },
    payload: body,
  })
}

/** The sample video {@link postClip} uploads unless told otherwise. */
export const DEFAULT_CLIP = 'clip-15s-vertical.mp4'

/**
 * The usual start of a publish test: links a new sandbox user (`stack.connect()`), uploads the
 * sample video `clip` (a file name in the shared media folder) and creates a post of it. The body
 * is `{ connectionId, mode: 'direct', source: { mediaId }, privacyLevel: 'SELF_ONLY' }` with
 * `overrides` merged over it. Nothing is asserted: the caller checks `res` (and the upload, through
 * the post) as its test requires.
 */
export async function postClip(stack: Stack, overrides: Record<string, unknown> = {}, clip = DEFAULT_CLIP) {
  const { connectionId } = await stack.connect()
  const mediaId = (await uploadMedia(stack.app, media(clip))).json().id as string
  const res = await createPost(stack.app, {
    connectionId,
    mode: 'direct',
    source: { mediaId },
    privacyLevel: 'SELF_ONLY',
    ...overrides,
  })
  return { connectionId, mediaId, res }
}

/**
 * Keeps every publish in TikTok's processing for `ms` (default 2000 ms) until `t` ends, so the
 * worker's own `uploading → processing` move is stored before TikTok's verdict webhook arrives even
 * on a loaded machine. With the stack's 20 ms, that webhook may take a post from `uploading`
 * straight to its final status (allowed: statuses may skip, never go back), and a test of the
 * full status history would depend on timing.
 */
export function holdProcessing(stack: Stack, t: Teardownable, ms = 2000) {
  const before = stack.sandbox.getSettings().processingDelayMs
  stack.sandbox.updateSettings({ processingDelayMs: ms })
  t.teardown(() => {
    stack.sandbox.updateSettings({ processingDelayMs: before })
  })
}

/**
 * The usual start of a PULL_FROM_URL test (REFERENCE.md §3.6): serves the shared media folder on a
 * local origin the sandbox downloads `${VERIFIED_PREFIX}<clip>` from, links a new sandbox user
 * (`stack.connect(user)`) and creates a post of that URL. The body is `postClip`'s with
 * `source: { url }`, `overrides` merged over it. Nothing is asserted.
 */
export async function pullClip(
  stack: Stack,
  t: Teardownable,
  overrides: Record<string, unknown> = {},
  clip = DEFAULT_CLIP,
  user: Parameters<Stack['connect']>[0] = {},
) {
  stack.sandbox.updateSettings({ pullUrlRewrites: { [VERIFIED_PREFIX]: await serveMedia(t) } })
  const { connectionId } = await stack.connect(user)
  const res = await createPost(stack.app, {
    connectionId,
    mode: 'direct',
    source: { url: `${VERIFIED_PREFIX}${clip}` },
    privacyLevel: 'SELF_ONLY',
    ...overrides,
  })
  return { connectionId, res }
}

/** A worker's dependencies from a built app, as the workers plugin wires them; `over` replaces any. */
export function workerDeps(
  app: FastifyInstance,
  config: PublishConfig,
  over: Partial<WorkerDeps> = {},
): WorkerDeps {
  return {
    db: app.db,
    config,
    tiktok: app.tiktok,
    authClient: app.authClient,
    mediaStore: app.mediaStore,
    domain: app.publish,
    queue: createJobQueue({ db: app.db }),
    log: app.log,
    ...over,
  }
}

/** Reads a post as the CRM does. */
export async function getPost(app: FastifyInstance, id: string) {
  const res = await app.inject({ method: 'GET', url: `/posts/${id}`, headers: await asUser() })
  return res.json()
}

/** Polls the post until `done(post)` or `timeoutMs`; returns the last post seen. */
export async function waitForPost(
  app: FastifyInstance,
  id: string,
  done: (post: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
) {
  const end = Date.now() + timeoutMs
  let post = await getPost(app, id)
  while (!done(post) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50))
    post = await getPost(app, id)
  }
  return post
}

/** Polls `check` every 25 ms until true or `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 25))
  }
  return false
}

/** A local origin serving files of `dir` (default: the shared media folder) for the sandbox to download. */
export async function serveMedia(t: Teardownable, dir = MEDIA_DIR): Promise<string> {
  const server = createServer(async (req, res) => {
    const file = path.join(dir, path.basename(req.url ?? ''))
    try {
      const { size } = await stat(file)
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size })
      createReadStream(file).pipe(res)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((r) => server.close(r)))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}
