/**
 * How to run auth-service in a test: a fresh database, a NATS namespace, the TikTok sandbox on
 * port 0, then `build(t, { sandbox })` → a ready Fastify app (closed at teardown). Other services'
 * tests start it (to get real access tokens) through `@social-bridge/auth-service/testing`; the shared pieces come from
 * `@social-bridge/service-kit/testing`.
 */
import type { Writable } from 'node:stream'
import {
  createTestDatabase,
  createTestIdentities,
  createTestNamespace,
  connectAccount as kitConnectAccount,
  type Teardownable,
} from '@social-bridge/service-kit/testing'
import { createSandbox, type Sandbox, type SandboxSettings } from '@social-bridge/tiktok-sandbox'
import type { FastifyInstance } from 'fastify'
import { request } from 'undici'
import type { AuthConfig } from '../src/config.js'
import {
  AUTH_MIGRATIONS,
  startAuthService,
  TEST_CRM_ORIGIN,
  TEST_DEFAULT_RETURN_URL,
  TEST_INSTAGRAM_APP,
  TEST_REDIRECT_URI,
  TEST_SHOP_APP,
  testAuthConfig,
} from '../testing/index.js'

export { cookieHeader, waitUntil } from '@social-bridge/service-kit/testing'
export { newKey } from '../testing/index.js'
export const REDIRECT_URI = TEST_REDIRECT_URI
export const CRM_ORIGIN = TEST_CRM_ORIGIN
export const DEFAULT_RETURN_URL = TEST_DEFAULT_RETURN_URL
const INTERNAL_SECRET = 'test-internal-secret-at-least-32-bytes!!'
const identities = createTestIdentities(INTERNAL_SECRET)

/** Starts the sandbox on port 0 with our redirect URI registered; closed at teardown. */
export async function startSandbox(
  t: Teardownable,
  settings: Partial<SandboxSettings> = {},
): Promise<Sandbox> {
  const sandbox = await createSandbox({
    redirectUris: [REDIRECT_URI],
    settings,
    shop: TEST_SHOP_APP,
    instagram: TEST_INSTAGRAM_APP,
  })
  t.teardown(() => sandbox.close())
  return sandbox
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
  const config = testAuthConfig({
    databaseUrl: opts.databaseUrl ?? (await createTestDatabase(t, { migrations: [AUTH_MIGRATIONS] })),
    namespace: opts.namespace ?? createTestNamespace(t),
    sandboxUrl: opts.sandbox.url,
    internalSecret: INTERNAL_SECRET,
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
  })
  const { app } = await startAuthService(t, config, {
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
    ...(opts.refreshRetryDelaysMs ? { refreshRetryDelaysMs: opts.refreshRetryDelaysMs } : {}),
  })
  return { app, config }
}

/** Headers of a CRM user request as the gateway forwards it (roles default to admin). */
export const asUser = (user: { tenantId: string; userId: string; roles?: string[] }) =>
  identities.asUser(user)

/** Headers of a peer service's request (`publish-service`, `gateway`…). */
export const asService = (service: string) => identities.asService(service)

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

/** TikTok's redirect location replayed on our callback: its path + query. */
export const callbackPath = (location: string) => {
  const url = new URL(location)
  return `/connections/tiktok/callback${url.search}`
}

/**
 * Connects `openId` for a user end to end through the sandbox's HTML consent page
 * (authorize → consent → callback, JSON answers); returns the connection id and the callback result.
 */
export async function connectAccount(
  app: FastifyInstance,
  user: { tenantId: string; userId: string },
  openId: string,
): Promise<{ connectionId: string; result: Record<string, unknown> }> {
  return kitConnectAccount(app, { approve: (url) => consent(url, openId) }, { identities, openId, ...user })
}
