import { createTikTokClient, type TikTokClient } from '@social-bridge/tiktok-client'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** The TikTok client (Display API only is used here, REFERENCE.md §2). */
    tiktok: TikTokClient
  }
}

/**
 * Decorates `app.tiktok`. The Display API needs no client secret (only the user's access token),
 * so none is configured here; the client key names the rate-limit budget instead.
 */
export const tiktokPlugin = fp(
  async (app: FastifyInstance, opts: { clientKey: string; apiBaseUrl: string }) => {
    const client = createTikTokClient({
      clientKey: opts.clientKey,
      clientSecret: '',
      apiBaseUrl: opts.apiBaseUrl,
      timeoutMs: 15_000,
      connections: 32,
    })
    app.decorate('tiktok', client)
    app.addHook('onClose', () => client.close())
  },
  { name: 'analytics-tiktok', fastify: '5.x' },
)
