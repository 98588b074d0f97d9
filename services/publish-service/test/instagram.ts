/**
 * The steps of a Reels test: an Instagram connection in auth-service, the emulated Instagram
 * reaching publish-service's public media URLs (as Meta's cURL reaches MEDIA_PUBLIC_BASE_URL), and
 * the body of a Reel post.
 */
import type { Teardownable } from '@social-bridge/service-kit/testing'
import { igMediaSettings } from '@social-bridge/tiktok-sandbox'
import { PUBLIC_MEDIA_BASE, type Stack, TENANT } from './helper.js'

/**
 * Connects a new professional account of the emulated Instagram through auth-service (Business
 * Login, as the CRM's user would). `tokens()` lists every access token the emulator issued to it
 * (to look for them where they must never be).
 */
export async function connectInstagram(stack: Stack, tenant = TENANT) {
  const { connectionId, igUserId } = await stack.connectInstagram({}, tenant)
  const tokens = () =>
    [...stack.sandbox.instagram.store.tokens.values()]
      .filter((x) => x.igUserId === igUserId)
      .map((x) => x.token)
  return { connectionId, igUserId, tokens }
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
