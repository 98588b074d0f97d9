import { createHash, randomBytes } from 'node:crypto'
import { type SampleClipName, sampleClip } from '@social-bridge/service-kit/testing'
import { request } from 'undici'
import { createSandbox, type Sandbox, type SandboxOptions } from '../src/index.js'

/** Minimal tap `t` surface the helpers need. */
interface Teardown {
  teardown(fn: () => unknown): void
}

export const REDIRECT_URI = 'http://127.0.0.1:3000/callback'
/** Path of a sample video, made by @social-bridge/service-kit/testing on first use. */
export const media = (name: SampleClipName): Promise<string> => sampleClip(name)

/** Starts a sandbox on port 0 with fast delays; closed at teardown. */
export async function build(t: Teardown, options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await createSandbox({
    redirectUris: [REDIRECT_URI],
    ...options,
    settings: {
      processingDelayMs: 10,
      publiclyAvailableDelayMs: 50,
      webhookRetryBaseDelayMs: 20,
      ...options.settings,
    },
  })
  t.teardown(() => sandbox.close())
  return sandbox
}

/** An authorize URL as a client would build it (docs/tiktok-api.md §1.2). */
export function authorizeUrl(
  sandbox: Sandbox,
  opts: {
    scopes?: string[]
    state?: string
    challenge?: string
    redirectUri?: string
    extra?: Record<string, string>
  } = {},
): string {
  const q = new URLSearchParams({
    client_key: sandbox.clientKey,
    scope: (opts.scopes ?? ['user.info.basic']).join(','),
    redirect_uri: opts.redirectUri ?? REDIRECT_URI,
    state: opts.state ?? 'st4te',
    response_type: 'code',
    ...(opts.challenge ? { code_challenge: opts.challenge, code_challenge_method: 'S256' } : {}),
    ...opts.extra,
  })
  return `${sandbox.url}/v2/auth/authorize/?${q}`
}

/** A PKCE pair with TikTok's hex challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url').slice(0, 64)
  return { verifier, challenge: createHash('sha256').update(verifier).digest('hex') }
}

/** POSTs a form to an OAuth endpoint; returns status, parsed JSON body (or null) and raw text. */
export async function postForm(url: string, form: Record<string, string>) {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-cache' },
    body: new URLSearchParams(form).toString(),
  })
  const text = await res.body.text()
  return { status: res.statusCode, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : null }
}

/** Exchanges a code for tokens. */
export function exchangeCode(sandbox: Sandbox, code: string, extra: Record<string, string> = {}) {
  return postForm(`${sandbox.url}/v2/oauth/token/`, {
    client_key: sandbox.clientKey,
    client_secret: 'sbx_client_secret',
    code,
    grant_type: 'authorization_code',
    redirect_uri: REDIRECT_URI,
    ...extra,
  })
}

/** Adds a user, authorizes `scopes` and returns the user and tokens. */
export async function connectUser(
  sandbox: Sandbox,
  scopes: string[],
  user: Parameters<Sandbox['addUser']>[0] = {},
) {
  const u = sandbox.addUser(user)
  const location = sandbox.approve(authorizeUrl(sandbox, { scopes }), { openId: u.openId })
  const code = new URL(location).searchParams.get('code')!
  const res = await exchangeCode(sandbox, code)
  if (!res.json?.access_token) throw new Error(`token exchange failed: ${res.text}`)
  return {
    user: u,
    accessToken: res.json.access_token as string,
    refreshToken: res.json.refresh_token as string,
  }
}

/** Calls a v2 JSON endpoint with a bearer token; returns status, headers, parsed JSON and raw text. */
export async function api(
  sandbox: Sandbox,
  method: 'GET' | 'POST',
  pathAndQuery: string,
  token: string | undefined,
  body?: unknown,
) {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json; charset=UTF-8'
  const res = await request(`${sandbox.url}${pathAndQuery}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.body.text()
  // biome-ignore lint/suspicious/noExplicitAny: test convenience over arbitrary JSON
  const json = (text ? JSON.parse(text) : null) as any
  return { status: res.statusCode, headers: res.headers, json, text }
}

/** Polls until `fn` returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 10_000,
  stepMs = 20,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v as NonNullable<T>
    if (Date.now() > end) throw new Error('waitFor timed out')
    await new Promise((r) => setTimeout(r, stepMs))
  }
}
