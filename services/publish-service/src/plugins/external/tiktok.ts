import { createTikTokClient, type TikTokClient } from '@social-bridge/tiktok-client'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    tiktok: TikTokClient
  }
}

/** Decorates `app.tiktok` (the only code speaking TikTok's wire format); closes its pool on close. */
export const tiktokPlugin = fp(
  async (
    app: FastifyInstance,
    opts: {
      clientKey: string
      clientSecret: string
      apiBaseUrl: string
      rateLimitBackoffMs: number
      timeoutMs?: number
    },
  ) => {
    const client = createTikTokClient({
      clientKey: opts.clientKey,
      clientSecret: opts.clientSecret,
      apiBaseUrl: opts.apiBaseUrl,
      timeoutMs: opts.timeoutMs ?? 15_000,
      rateLimitBackoffMs: opts.rateLimitBackoffMs,
    })
    app.decorate('tiktok', client)
    app.addHook('onClose', () => client.close())
  },
  { name: 'publish-tiktok', fastify: '5.x' },
)
