/**
 * @social-bridge/instagram-client/fastify — decorates `app.instagram`. A separate entry so the
 * client itself does not depend on Fastify.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createInstagramClient, type InstagramClient, type InstagramClientOptions } from './client.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The Instagram client (the only code speaking Instagram's wire format), closed on app close. */
    instagram: InstagramClient
  }
}

/** Decorates `app.instagram` and closes its sockets when the app closes. Named `sb-instagram`. */
export const instagramClientPlugin = fp(
  async (app: FastifyInstance, options: InstagramClientOptions) => {
    const client = createInstagramClient(options)
    app.decorate('instagram', client)
    app.addHook('onClose', () => client.close())
  },
  { name: 'sb-instagram', fastify: '5.x' },
)
