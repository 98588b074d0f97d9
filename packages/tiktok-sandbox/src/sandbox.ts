import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { type AdminApi, createAdminApi } from './admin.js'
import { buildApp } from './app.js'
import type { AppConfig, SandboxContext } from './context.js'
import { createFaults } from './faults.js'
import { type InstagramAdminApi, type InstagramOptions, registerInstagram } from './instagram/index.js'
import { noteChanges } from './persistence/note-changes.js'
import type { StateSaver } from './persistence/saver.js'
import { createSandboxSaver, readStateFile } from './persistence/state-file.js'
import { createProcessor } from './processing/processor.js'
import { resumeProcessing } from './processing/resume.js'
import { createRateLimiter } from './rate-limit.js'
import { applySettings, defaultSettings, type SandboxSettings } from './settings.js'
import { registerShop, type ShopAdminApi, type ShopOptions } from './shop/index.js'
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
  /** PULL_FROM_URL ownership: URL prefixes or domains (docs/tiktok-api.md §3.6). Default none. */
  verifiedUrlPrefixes?: string[]
  webhookUrl?: string
  settings?: Partial<SandboxSettings>
  /** Listen port; 0 (default) picks a free one. */
  port?: number
  /** Listen host; default 127.0.0.1. */
  host?: string
  /** Base URL put in `upload_url` when the sandbox is reached through another address. */
  publicUrl?: string
  /**
   * Users created at start. With a state file that already existed, only those with an `openId`
   * it lacks are added: the others were created by the first start.
   */
  users?: AddUserInput[]
  /**
   * Keeps users, grants, codes, tokens, publishes, videos, pending webhooks and the clock offset
   * in this JSON file: loaded at start, saved atomically `STATE_SAVE_DELAY_MS` after changes and
   * on close (persistence/README.md). Default none: state lives in memory only.
   */
  stateFile?: string
  /** The emulated TikTok Shop app and sellers (docs/tiktok-shop-api.md); defaults in shop/index.ts. */
  shop?: ShopOptions
  /** The emulated Instagram app and accounts (docs/instagram-api.md); defaults in instagram/index.ts. */
  instagram?: InstagramOptions
}

/** How long changes gather before the state file is written, ms. */
export const STATE_SAVE_DELAY_MS = 250

/** A running sandbox: the admin API plus its address and lifecycle. */
export interface Sandbox extends AdminApi {
  /** Base URL, e.g. `http://127.0.0.1:41234`: use it for the auth, API and upload hosts. */
  readonly url: string
  /** The app registration (no secret). */
  readonly clientKey: string
  /** The state file in use, or undefined when state lives in memory only. */
  readonly stateFile?: string
  /** The Fastify instance (for `inject` in unit tests). */
  readonly app: FastifyInstance
  /** Resolves when no media processing or download is in flight. */
  idle(): Promise<void>
  /** TikTok Shop's seller authorization on the same base URL (authorize page, tokens, shops). */
  readonly shop: ShopAdminApi
  /** Instagram (Instagram Login, Graph) under `/instagram/www|api|graph` on the same base URL. */
  readonly instagram: InstagramAdminApi
  /**
   * Stops listening, cancels timers and webhook retries, writes the state file (if any), deletes
   * stored bytes. Throws when the state file cannot be written. Later calls return the first one's promise.
   */
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
  const saved = options.stateFile ? await readStateFile(options.stateFile, config.clientKey) : undefined
  const clock = createClock(saved?.clockOffsetMs)
  const dataDir = await mkdtemp(join(tmpdir(), 'tiktok-sandbox-'))
  let url = ''
  let saver: StateSaver | undefined
  const ctx: SandboxContext = {
    config,
    settings,
    clock,
    users: createUsersStore(saved?.users),
    tokens: createTokensStore(saved?.tokens),
    posts: createPostsStore(saved),
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
      onChange: () => ctx.changed(),
    }),
    processor: createProcessor(() => ctx),
    baseUrl: () => options.publicUrl ?? url,
    dataDir,
    changed: () => saver?.changed(),
  }
  for (const u of options.users ?? []) {
    if (saved && (u.openId === undefined || ctx.users.get(u.openId))) continue
    ctx.users.add(u, clock.now())
  }
  const app = await buildApp(ctx)
  const shop = await registerShop(app, ctx, options.shop)
  const instagram = await registerInstagram(app, ctx, options.instagram)
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host =
    options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1'
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  if (options.stateFile) saver = createSandboxSaver(ctx, options.stateFile, STATE_SAVE_DELAY_MS)
  if (saved) {
    ctx.webhooks.restore(saved.webhooks)
    resumeProcessing(ctx)
  }
  ctx.changed()

  const admin = noteChanges(createAdminApi(ctx), ctx.changed)
  let closing: Promise<void> | undefined
  return {
    ...admin,
    url,
    clientKey: config.clientKey,
    stateFile: options.stateFile,
    app,
    shop,
    instagram,
    idle: () => ctx.processor.idle(),
    close() {
      closing ??= (async () => {
        ctx.processor.close()
        ctx.webhooks.close()
        await app.close()
        try {
          await saver?.close()
        } finally {
          await rm(dataDir, { recursive: true, force: true })
        }
      })()
      return closing
    },
  }
}
