import type { AppConfig, SandboxContext } from './context.js'
import type { Fault, FaultInput } from './faults.js'
import { videoId } from './ids.js'
import { unit } from './metrics.js'
import { approveAuthorize, denyAuthorize } from './oauth/authorize-request.js'
import type { PostDraftOptions } from './processing/processor.js'
import { applySettings, type SandboxSettings } from './settings.js'
import type { Publish, PublishStatus } from './state/posts.js'
import type { RequestLogEntry } from './state/request-log.js'
import { removeAppAuthorization } from './state/revoke.js'
import type { AddUserInput, SandboxUser } from './state/users.js'
import type { WebhookDelivery } from './webhooks/sender.js'

/** A seeded or posted video as the admin API shows it (`id` a 19-digit string). */
export interface VideoView {
  id: string
  openId: string
  /** Virtual Unix ms. */
  createTimeMs: number
  title: string
  public: boolean
  duration: number
  publishId?: string
}

/** A publish task as the admin API shows it (post ids as strings). */
export interface PublishView {
  publishId: string
  openId: string
  mode: Publish['mode']
  source: Publish['source']
  status: PublishStatus
  failReason?: string
  postIds: string[]
  uploadedBytes: number
  downloadedBytes: number
  videoSize?: number
  privacyLevel?: string
  title?: string
  /** Photo posts: the `photo_images` URLs TikTok was given and the cover's index. */
  photos?: { urls: string[]; coverIndex: number }
  createdAt: number
}

/** Options of `seedVideos`. */
export interface SeedVideosOptions {
  /** Public (listed) videos; default true. */
  public?: boolean
  /** Gap between consecutive videos, ms (default 1 h); the newest is `spacingMs` before now. */
  spacingMs?: number
}

/**
 * Test controls shared by the in-process sandbox object and the `/_sandbox/` HTTP twin.
 * Times are virtual Unix ms.
 */
export interface AdminApi {
  addUser(input?: AddUserInput): SandboxUser
  listUsers(): SandboxUser[]
  /** Creates `count` videos for a user, newest first in the list, `spacingMs` apart. */
  seedVideos(openId: string, count: number, options?: SeedVideosOptions): VideoView[]
  /** Programmatic consent: returns the redirect location (code, scopes, state), or the error redirect. */
  approve(authorizeUrl: string, options: { openId: string; scopes?: string[] }): string
  /** Programmatic cancel: returns the redirect location with `error=access_denied`. */
  deny(authorizeUrl: string): string
  /** Makes a user's current access and/or refresh tokens expired now. Returns how many changed. */
  expireTokens(
    openId: string,
    which?: { access?: boolean; refresh?: boolean },
  ): { access: number; refresh: number }
  /**
   * The user removes the app: every token of every authorization dies, then
   * `authorization.removed` is sent with `reason` (default 1).
   */
  revokeAuthorization(openId: string, options?: { reason?: number }): void
  injectFault(input: FaultInput): Fault
  listFaults(): Fault[]
  clearFaults(): void
  /** The live settings object (read-only view; use updateSettings). */
  getSettings(): SandboxSettings
  updateSettings(patch: Partial<SandboxSettings>): SandboxSettings
  /** Changes redirect URIs, verified prefixes or the webhook URL (not the credentials). */
  updateConfig(patch: Partial<Omit<AppConfig, 'clientKey' | 'clientSecret'>>): Omit<AppConfig, 'clientSecret'>
  /** Advances the virtual clock by `ms`; returns the new virtual now. */
  advanceClock(ms: number): number
  now(): number
  /** "The user posted the inbox draft": SEND_TO_USER_INBOX → PUBLISH_COMPLETE (+ webhooks). */
  postInboxDraft(publishId: string, options?: PostDraftOptions): PublishView
  listPublishes(): PublishView[]
  getPublish(publishId: string): PublishView | undefined
  requestLog(): RequestLogEntry[]
  clearRequestLog(): void
  webhookDeliveries(): WebhookDelivery[]
  clearWebhookDeliveries(): void
  resetRateLimits(): void
}

function publishView(p: Publish): PublishView {
  return {
    publishId: p.publishId,
    openId: p.openId,
    mode: p.mode,
    source: p.source,
    status: p.status,
    failReason: p.failReason,
    postIds: p.postIds.map(String),
    uploadedBytes: p.uploadedBytes,
    downloadedBytes: p.downloadedBytes,
    videoSize: p.videoSize,
    privacyLevel: p.privacyLevel,
    title: p.title,
    ...(p.photos ? { photos: { urls: [...p.photos.urls], coverIndex: p.photos.coverIndex } } : {}),
    createdAt: p.createdAt,
  }
}

function requireUser(ctx: SandboxContext, openId: string): SandboxUser {
  const user = ctx.users.get(openId)
  if (!user) throw new Error(`No sandbox user with open_id ${openId}`)
  return user
}

/** Builds the admin API over a context. Throws `Error` with a readable message on bad input. */
export function createAdminApi(ctx: SandboxContext): AdminApi {
  return {
    addUser: (input = {}) => ctx.users.add(input, ctx.clock.now()),
    listUsers: () => ctx.users.list(),
    seedVideos(openId, count, options = {}) {
      requireUser(ctx, openId)
      const spacing = options.spacingMs ?? 3600_000
      const now = ctx.clock.now()
      const out: VideoView[] = []
      for (let i = 1; i <= count; i++) {
        const v = ctx.posts.addVideo({
          id: videoId(),
          openId,
          createTimeMs: now - i * spacing,
          title: `Sandbox video ${i}`,
          description: `Sandbox video ${i} #sandbox`,
          duration: 5 + Math.floor(unit(ctx.settings.metricsSeed, `${openId}:dur`, i) * 55),
          width: 1080,
          height: 1920,
          public: options.public ?? true,
        })
        out.push({ ...v, id: v.id.toString() })
      }
      return out
    },
    approve: (url, { openId, scopes }) => approveAuthorize(ctx, url, openId, scopes),
    deny: (url) => denyAuthorize(ctx, url),
    expireTokens(openId, which = { access: true, refresh: true }) {
      requireUser(ctx, openId)
      const past = ctx.clock.now() - 1
      const changed = { access: 0, refresh: 0 }
      const expire = (tokens: { expiresAt: number }[]) => {
        let n = 0
        for (const t of tokens) {
          if (t.expiresAt <= past) continue
          t.expiresAt = past
          n++
        }
        return n
      }
      for (const g of ctx.tokens.grantsOf(openId)) {
        if (which.access) changed.access += expire(ctx.tokens.accessTokensOf(g.id))
        if (which.refresh)
          changed.refresh += expire(ctx.tokens.refreshTokensOf(g.id).filter((t) => !t.replacedBy))
      }
      return changed
    },
    revokeAuthorization(openId, options = {}) {
      requireUser(ctx, openId)
      removeAppAuthorization(ctx, openId)
      ctx.webhooks.emit('authorization.removed', openId, { reason: options.reason ?? 1 })
    },
    injectFault: (input) => ctx.faults.inject(input),
    listFaults: () => ctx.faults.list(),
    clearFaults: () => ctx.faults.clear(),
    getSettings: () => ctx.settings,
    updateSettings: (patch) => applySettings(ctx.settings, patch),
    updateConfig(patch) {
      if (patch.redirectUris) ctx.config.redirectUris = [...patch.redirectUris]
      if (patch.verifiedUrlPrefixes) ctx.config.verifiedUrlPrefixes = [...patch.verifiedUrlPrefixes]
      if ('webhookUrl' in patch) ctx.config.webhookUrl = patch.webhookUrl || undefined
      const { clientSecret: _secret, ...visible } = ctx.config
      return visible
    },
    advanceClock: (ms) => ctx.clock.advance(ms),
    now: () => ctx.clock.now(),
    postInboxDraft(publishId, options) {
      const p = ctx.posts.publish(publishId)
      if (!p) throw new Error(`No publish ${publishId}`)
      ctx.processor.postDraft(p, options)
      return publishView(p)
    },
    listPublishes: () => ctx.posts.publishes().map(publishView),
    getPublish(publishId) {
      const p = ctx.posts.publish(publishId)
      return p ? publishView(p) : undefined
    },
    requestLog: () => ctx.requestLog.list(),
    clearRequestLog: () => ctx.requestLog.clear(),
    webhookDeliveries: () => ctx.webhooks.deliveries(),
    clearWebhookDeliveries: () => ctx.webhooks.clear(),
    resetRateLimits: () => ctx.rateLimiter.reset(),
  }
}
