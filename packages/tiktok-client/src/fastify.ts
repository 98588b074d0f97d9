/**
 * @social-bridge/tiktok-client/fastify — the Fastify plugin every service uses to get a TikTok
 * client. A separate entry so the client itself does not depend on Fastify (`fastify` and
 * `fastify-plugin` are optional peer dependencies, needed only by this entry).
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Registry } from 'prom-client'
import { createTikTokClient, type TikTokClient, type TikTokClientOptions } from './client.js'
import { registerTikTokClientMetrics } from './metrics.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The TikTok client (the only code speaking TikTok's wire format), closed on app close. */
    tiktok: TikTokClient
  }
}

/**
 * Decorates `app.tiktok` with `createTikTokClient(options)` (in tests, the base URLs point at the
 * sandbox), adds the client's metrics to `app.metrics` when there is one, and closes its pooled
 * connections when the app closes. Named `sb-tiktok`: plugins that
 * use `app.tiktok` list it in their `dependencies`.
 */
export const tiktokClientPlugin = fp(
  async (app: FastifyInstance, options: TikTokClientOptions) => {
    const client = createTikTokClient(options)
    app.decorate('tiktok', client)
    if (app.hasDecorator('metrics')) registerTikTokClientMetrics(app.getDecorator<Registry>('metrics'))
    app.addHook('onClose', () => client.close())
  },
  { name: 'sb-tiktok', fastify: '5.x' },
)
