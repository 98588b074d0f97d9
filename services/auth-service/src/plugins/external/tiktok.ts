import { createTikTokClient, type TikTokClient } from '@social-bridge/tiktok-client'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AuthConfig } from '../../config.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The TikTok client (the only code speaking TikTok's wire format), closed on app close. */
    tiktok: TikTokClient
  }
}

/** Decorates `app.tiktok` from TIKTOK_* config (base URLs point at the sandbox in tests). */
export const tiktokPlugin = fp(
  async (app: FastifyInstance, { config }: { config: AuthConfig }) => {
    const client = createTikTokClient({
      clientKey: config.TIKTOK_CLIENT_KEY,
      clientSecret: config.TIKTOK_CLIENT_SECRET,
      redirectUri: config.TIKTOK_REDIRECT_URI,
      authBaseUrl: config.TIKTOK_AUTH_BASE_URL,
      apiBaseUrl: config.TIKTOK_API_BASE_URL,
      connections: 64,
    })
    app.decorate('tiktok', client)
    app.addHook('onClose', () => client.close())
  },
  { name: 'auth-tiktok', fastify: '5.x' },
)
