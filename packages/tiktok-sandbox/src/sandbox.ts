import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { type AdminApi, createAdminApi } from './admin.js'
import { buildApp } from './app.js'
import type { AppConfig, SandboxContext } from './context.js'
import { createFaults } from './faults.js'
import { createProcessor } from './processing/processor.js'
import { createRateLimiter } from './rate-limit.js'
import { applySettings, defaultSettings, type SandboxSettings } from './settings.js'
import { createClock } from './state/clock.js'
import { createPostsStore } from './state/posts.js'
import { createRequestLog } from './state/request-log.js'
import { createTokensStore } from './state/tokens.js'
import { createUploadsStore } from './state/uploads.js'
import { type AddUserInput, createUsersStore } from './state/users.js'
import { createWebhookSender } from './webhooks/sender.js'

/** Options of `createSandbox` (all optional). */
export interface SandboxOptions {
  /** Default `sbx_client_key`. */
  clientKey?: string
  /** Default `sbx_client_secret`. Signs webhooks; checked at the token endpoint. */
  clientSecret?: string
  /** Default `['http://127.0.0.1:3000/callback']`. */
  redirectUris?: string[]
  /** PULL_FROM_URL ownership: URL prefixes or domains (REFERENCE 3.6). Default none. */
  verifiedUrlPrefixes?: string[]
  webhookUrl?: string
  settings?: Partial<SandboxSettings>
  /** Listen port; 0 (default) picks a free one. */
  port?: number
  /** Listen host; default 127.0.0.1. */
  host?: string
  /** Base URL put in `upload_url` when the sandbox is reached through another address. */
  publicUrl?: string
  /** Users created at start. */
  users?: AddUserInput[]
}

/** A running sandbox: the admin API plus its address and lifecycle. */
export interface Sandbox extends AdminApi {
  /** Base URL, e.g. `http://127.0.0.1:41234`: use it for the auth, API and upload hosts. */
  readonly url: string
  /** The app registration (no secret). */
  readonly clientKey: string
  /** The Fastify instance (for `inject` in unit tests). */
  readonly app: FastifyInstance
  /** Resolves when no media processing or download is in flight. */
  idle(): Promise<void>
  /** Stops listening, cancels timers and webhook retries, deletes stored bytes. */
  close(): Promise<void>
}

/**
 * Starts a TikTok emulator listening on `host:port` (127.0.0.1:0 by default). Throws on an
 * invalid setting. See README for the HTTP surface.
 */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const settings = applySettings(defaultSettings(), options.settings ?? {})
  const config: AppConfig = {
    clientKey: options.clientKey ?? 'sbx_client_key',
    clientSecret: options.clientSecret ?? 'sbx_client_secret',
    redirectUris: options.redirectUris ?? ['http://127.0.0.1:3000/callback'],
    verifiedUrlPrefixes: options.verifiedUrlPrefixes ?? [],
    webhookUrl: options.webhookUrl,
  }
  const clock = createClock()
  const dataDir = await mkdtemp(join(tmpdir(), 'tiktok-sandbox-'))
  let url = ''
  const ctx: SandboxContext = {
    config,
    settings,
    clock,
    users: createUsersStore(),
    tokens: createTokensStore(),
    posts: createPostsStore(),
    uploads: createUploadsStore(),
    requestLog: createRequestLog(),
    faults: createFaults(),
    rateLimiter: createRateLimiter(settings, clock),
    webhooks: createWebhookSender({
      clientKey: config.clientKey,
      clientSecret: config.clientSecret,
      webhookUrl: () => config.webhookUrl,
      settings,
      clock,
    }),
    processor: createProcessor(() => ctx),
    baseUrl: () => options.publicUrl ?? url,
    dataDir,
  }
  for (const u of options.users ?? []) ctx.users.add(u, clock.now())
  const app = await buildApp(ctx)
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host =
    options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1'
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  const admin = createAdminApi(ctx)
  return {
    ...admin,
    url,
    clientKey: config.clientKey,
    app,
    idle: () => ctx.processor.idle(),
    async close() {
      ctx.processor.close()
      ctx.webhooks.close()
      await app.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
