/**
 * @social-bridge/tiktok-shop-client/fastify — decorates `app.tiktokShop`. A separate entry so the
 * client itself does not depend on Fastify.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createTikTokShopClient, type TikTokShopClient, type TikTokShopClientOptions } from './client.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The TikTok Shop client (the only code speaking TikTok Shop's wire format), closed on app close. */
    tiktokShop: TikTokShopClient
  }
}

/** Decorates `app.tiktokShop` and closes its sockets when the app closes. Named `sb-tiktok-shop`. */
export const tiktokShopClientPlugin = fp(
  async (app: FastifyInstance, options: TikTokShopClientOptions) => {
    const client = createTikTokShopClient(options)
    app.decorate('tiktokShop', client)
    app.addHook('onClose', () => client.close())
  },
  { name: 'sb-tiktok-shop', fastify: '5.x' },
)
