/**
 * The steps of a Reels test: an Instagram connection in auth-service, the emulated Instagram
 * reaching publish-service's public media URLs (as Meta's cURL reaches MEDIA_PUBLIC_BASE_URL), and
 * the body of a Reel post.
 */
import { randomUUID } from 'node:crypto'
import { sealTokens } from '@social-bridge/auth-service/testing'
import type { Teardownable } from '@social-bridge/service-kit/testing'
import { igMediaSettings } from '@social-bridge/tiktok-sandbox'
import { PUBLIC_MEDIA_BASE, type Stack, TENANT } from './helper.js'

/** What a Reels connection is granted (docs/instagram-api.md "Connect"). */
const IG_SCOPES = ['instagram_business_basic', 'instagram_business_content_publish']

/**
 * Adds a professional account to the emulated Instagram and an active `instagram` connection for
 * it in auth-service — a long-lived token the emulator issued, sealed by auth-service's vault as its
 * connect flow stores one — so auth-service hands that token out to publish-service.
 */
export async function connectInstagram(stack: Stack, tenant = TENANT) {
  const ig = stack.sandbox.instagram
  const account = ig.addAccount()
  const token = ig.store.issueToken(account.igUserId, 'long', IG_SCOPES)
  const owner = { tenantId: tenant, provider: 'instagram', openId: account.igUserId }
  const sealed = sealTokens(stack.auth.vault, owner, token.token, token.token)
  const id = randomUUID()
  const expires = new Date(token.expiresAt).toISOString()
  await stack.auth.sql`insert into auth.connections ${stack.auth.sql({
    id,
    tenant_id: tenant,
    provider: 'instagram',
    open_id: account.igUserId,
    display_name: account.username,
    scopes: IG_SCOPES,
    access_token_sealed: sealed.accessTokenSealed,
    refresh_token_sealed: sealed.refreshTokenSealed,
    token_key_id: sealed.tokenKeyId,
    access_token_expires_at: expires,
    refresh_token_expires_at: expires,
    next_refresh_at: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    connected_by: 'test',
  })}`
  return { connectionId: id, igUserId: account.igUserId, accessToken: token.token }
}

/**
 * Lets the emulated Instagram download Reel videos as Meta would: the app listens on port 0 and
 * `PUBLIC_MEDIA_BASE` (its signed URLs) is rewritten to it; container processing takes `delayMs`.
 */
export async function serveReels(_t: Teardownable, stack: Stack, delayMs = 20): Promise<void> {
  const address = await stack.app.listen({ port: 0, host: '127.0.0.1' })
  stack.sandbox.updateSettings({ pullUrlRewrites: { [PUBLIC_MEDIA_BASE]: `${address}/media/public/` } })
  igMediaSettings(stack.sandbox.instagram.store).processingDelayMs = delayMs
}

/** The body of a Reel of the stored video `mediaId` on `connectionId`, `overrides` merged over it. */
export function reelPost(connectionId: string, mediaId: string, overrides: Record<string, unknown> = {}) {
  return {
    connectionId,
    mode: 'reel',
    source: { mediaId },
    caption: 'A #reel from Social Bridge',
    ...overrides,
  }
}
