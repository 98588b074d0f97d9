import {
  createSandbox,
  type Sandbox,
  type SandboxSettings,
  type SandboxUser,
} from '@social-bridge/tiktok-sandbox'
import type { Test } from 'tap'
import type { TikTokClient, TokenSet } from '../../src/index.js'
import { createClientFor, loginThrough } from '../../src/testing/index.js'

/** The app the sandbox registers and the client is configured with. */
export const APP = {
  clientKey: 'sbx_contract_key',
  clientSecret: 'sbx_contract_secret_value',
  redirectUri: 'http://127.0.0.1:3000/callback',
}
/** The app's verified URL prefix for PULL_FROM_URL. */
export const VERIFIED_PREFIX = 'https://media.example.com/videos/'

export interface Harness {
  sandbox: Sandbox
  client: TikTokClient
}

/** A sandbox on port 0 with fast processing, and a client pointed at it; both closed in teardown. */
export async function startHarness(
  t: Test,
  options: {
    settings?: Partial<SandboxSettings>
    timeoutMs?: number
    uploadTimeoutMs?: number
    webhookUrl?: string
  } = {},
): Promise<Harness> {
  const sandbox = await createSandbox({
    clientKey: APP.clientKey,
    clientSecret: APP.clientSecret,
    redirectUris: [APP.redirectUri],
    verifiedUrlPrefixes: [VERIFIED_PREFIX],
    ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}),
    settings: { processingDelayMs: 0, publiclyAvailableDelayMs: 0, ...options.settings },
  })
  const client = createClientFor(sandbox, {
    ...APP,
    timeoutMs: options.timeoutMs ?? 10_000,
    uploadTimeoutMs: options.uploadTimeoutMs ?? 60_000,
  })
  t.teardown(async () => {
    await client.close()
    await sandbox.close()
  })
  return { sandbox, client }
}

/** Runs the whole Login Kit flow for a new (or given) user: authorize URL → consent → code exchange. */
export async function login(
  h: Harness,
  scopes: string[],
  user: SandboxUser = h.sandbox.addUser({}),
): Promise<{ user: SandboxUser; tokens: TokenSet }> {
  const tokens = await loginThrough(h.sandbox, h.client, { openId: user.openId, scopes })
  return { user, tokens }
}

/** Waits (real timers: processing runs in the background) until the sandbox's view of a publish satisfies `done`. */
export async function waitForPublish(
  sandbox: Sandbox,
  publishId: string,
  done: (p: NonNullable<ReturnType<Sandbox['getPublish']>>) => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const p = sandbox.getPublish(publishId)
    if ((p && done(p)) || Date.now() > until) return
    await new Promise((r) => setTimeout(r, 25))
  }
}
