/**
 * How to run auth-service in a test (also an example for publish-service and analytics-service,
 * which start it in-process to get real access tokens): a fresh database, a NATS namespace, the
 * TikTok sandbox on port 0, then `build(t, { sandbox })` → a ready Fastify app (closed at teardown).
 */
import { randomBytes } from 'node:crypto'
import type { Writable } from 'node:stream'
import {
  createFastifyOptions,
  createInternalTokenSigner,
  createTestDatabase,
  createTestNamespace,
  type Identity,
  waitUntil as kitWaitUntil,
  TEST_NATS_URL,
  type Teardownable,
} from '@social-bridge/service-kit'
import { createSandbox, type Sandbox, type SandboxSettings } from '@social-bridge/tiktok-sandbox'
import Fastify, { type FastifyInstance } from 'fastify'
import { request } from 'undici'
import authApp from '../src/app.js'
import type { AuthConfig } from '../src/config.js'

export const INTERNAL_SECRET = 'test-internal-secret-at-least-32-bytes!!'
export const COOKIE_SECRET = 'test-cookie-secret-at-least-32-characters'
export const REDIRECT_URI = 'https://gateway.test/v1/connections/tiktok/callback'
export const CRM_ORIGIN = 'https://crm.test'
export const DEFAULT_RETURN_URL = `${CRM_ORIGIN}/settings/integrations`

/** A random 32-byte key, base64 (for TOKEN_ENCRYPTION_KEYS). */
export const newKey = () => randomBytes(32).toString('base64')

/** Starts the sandbox on port 0 with our redirect URI registered; closed at teardown. */
export async function startSandbox(
  t: Teardownable,
  settings: Partial<SandboxSettings> = {},
): Promise<Sandbox> {
  const sandbox = await createSandbox({ redirectUris: [REDIRECT_URI], settings })
  t.teardown(() => sandbox.close())
  return sandbox
}

/** A complete config for the sandbox at `sandboxUrl`; `overrides` win. */
export function testConfig(input: {
  databaseUrl: string
  namespace: string
  sandboxUrl: string
  overrides?: Partial<AuthConfig>
}): AuthConfig {
  return {
    HOST: '127.0.0.1',
    PORT: 0,
    // service-kit types LOG_LEVEL as never (its union is built with .map); the value is valid
    LOG_LEVEL: 'silent' as never,
    DATABASE_URL: input.databaseUrl,
    NATS_URL: TEST_NATS_URL,
    NATS_NAMESPACE: input.namespace,
    INTERNAL_JWT_SECRET: INTERNAL_SECRET,
    TIKTOK_CLIENT_KEY: 'sbx_client_key',
    TIKTOK_CLIENT_SECRET: 'sbx_client_secret',
    TIKTOK_AUTH_BASE_URL: input.sandboxUrl,
    TIKTOK_API_BASE_URL: input.sandboxUrl,
    TIKTOK_REDIRECT_URI: REDIRECT_URI,
    TIKTOK_SCOPES: 'user.info.basic,user.info.profile,user.info.stats,video.list,video.upload,video.publish',
    TOKEN_ENCRYPTION_KEYS: `k1:${newKey()}`,
    TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'k1',
    OAUTH_COOKIE_SECRET: COOKIE_SECRET,
    RETURN_URL_ALLOWLIST: CRM_ORIGIN,
    DEFAULT_RETURN_URL,
    REFRESH_MARGIN_SEC: 300,
    REFRESH_SCHEDULER_INTERVAL_MS: 0,
    ...input.overrides,
  }
}

/** Options of {@link build}. */
export interface BuildOptions {
  sandbox: Sandbox
  /** Reuse a database/namespace (a second replica); fresh ones otherwise. */
  databaseUrl?: string
  namespace?: string
  overrides?: Partial<AuthConfig>
  /** Captures log lines (level info). */
  logStream?: Writable
  refreshRetryDelaysMs?: number[]
}

/** Builds and readies the app (closed at teardown). */
export async function build(
  t: Teardownable,
  opts: BuildOptions,
): Promise<{ app: FastifyInstance; config: AuthConfig }> {
  const config = testConfig({
    databaseUrl: opts.databaseUrl ?? (await createTestDatabase(t)),
    namespace: opts.namespace ?? createTestNamespace(t),
    sandboxUrl: opts.sandbox.url,
    overrides: opts.overrides,
  })
  const app = Fastify(
    createFastifyOptions({
      service: 'auth-service',
      logLevel: opts.logStream ? 'info' : 'silent',
      ...(opts.logStream ? { logStream: opts.logStream } : {}),
    }),
  )
  await app.register(authApp, {
    config,
    refreshRetryDelaysMs: opts.refreshRetryDelaysMs ?? [10, 20],
  })
  t.teardown(() => app.close())
  await app.ready()
  return { app, config }
}

const signer = createInternalTokenSigner({ secret: INTERNAL_SECRET })

/** Headers of a CRM user request as the gateway forwards it. */
export async function asUser(user: {
  tenantId: string
  userId: string
  roles?: string[]
}): Promise<Record<string, string>> {
  const identity: Identity = { kind: 'user', roles: ['admin'], ...user }
  return { 'x-internal-token': await signer.sign(identity) }
}

/** Headers of a peer service's request (`publish-service`, `gateway`…). */
export async function asService(service: string): Promise<Record<string, string>> {
  return { 'x-internal-token': await signer.forService(service) }
}

const unescapeHtml = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '',
  )

/**
 * Plays the user on the sandbox's consent page: loads the authorize URL (HTML), picks the form
 * of `openId`, submits it with its checked scopes (`decision=approve`, or `deny`), and returns
 * TikTok's redirect `Location` (our redirect URI with `code`/`scopes`/`state` or `error`).
 */
export async function consent(
  authorizeUrl: string,
  openId: string,
  decision: 'approve' | 'deny' = 'approve',
) {
  const page = await request(authorizeUrl)
  const html = await page.body.text()
  if (page.statusCode !== 200) throw new Error(`consent page answered ${page.statusCode}`)
  const forms = html.split('<form').slice(1)
  const form =
    decision === 'approve'
      ? forms.find((f) => f.includes(`name="open_id" value="${openId}"`))
      : forms.find((f) => f.includes('value="deny"'))
  if (!form) throw new Error(`no ${decision} form for ${openId} on the consent page`)
  const fields = new URLSearchParams()
  fields.set('query', unescapeHtml(/name="query" value="([^"]*)"/.exec(form)?.[1] ?? ''))
  fields.set('decision', decision)
  if (decision === 'approve') {
    fields.set('open_id', openId)
    for (const m of form.matchAll(/name="scope" value="([^"]*)" checked/g))
      fields.append('scope', unescapeHtml(m[1]!))
  }
  const action = new URL('/v2/auth/authorize/', authorizeUrl)
  const res = await request(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  })
  await res.body.dump()
  const location = res.headers.location
  if (res.statusCode !== 302 || typeof location !== 'string')
    throw new Error(`consent POST answered ${res.statusCode}`)
  return location
}

/** The `Set-Cookie` of a reply as a `Cookie` header value (name=value only). */
export function cookieHeader(setCookie: string | string[] | undefined): string {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []
  return list.map((c) => c.split(';')[0]).join('; ')
}

/** TikTok's redirect location replayed on our callback: its path + query. */
export const callbackPath = (location: string) => {
  const url = new URL(location)
  return `/connections/tiktok/callback${url.search}`
}

/**
 * Connects `openId` for a user end to end (authorize → consent page → callback, JSON answers)
 * and returns the connection id and the callback result.
 */
export async function connectAccount(
  app: FastifyInstance,
  user: { tenantId: string; userId: string },
  openId: string,
): Promise<{ connectionId: string; result: Record<string, unknown> }> {
  const start = await app.inject({
    method: 'GET',
    url: '/connections/tiktok/authorize',
    headers: { ...(await asUser(user)), accept: 'application/json' },
  })
  if (start.statusCode !== 200) throw new Error(`authorize answered ${start.statusCode}: ${start.body}`)
  const location = await consent(start.json().authorizeUrl, openId)
  const done = await app.inject({
    method: 'GET',
    url: callbackPath(location),
    headers: {
      ...(await asService('gateway')),
      cookie: cookieHeader(start.headers['set-cookie']),
      accept: 'application/json',
    },
  })
  const result = done.json()
  if (done.statusCode !== 200 || result.outcome !== 'connected') {
    throw new Error(`callback answered ${done.statusCode}: ${done.body}`)
  }
  return { connectionId: result.connectionId, result }
}

/** Polls `check` until it holds; false after `timeoutMs` (default 10 s). */
export const waitUntil = (check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> =>
  kitWaitUntil(check, timeoutMs)
