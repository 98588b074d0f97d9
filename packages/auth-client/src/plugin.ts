import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type AuthClient, type AuthClientOptions, createAuthClient } from './client.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** auth-service's internal API: access tokens and the active-connection list. */
    authClient: AuthClient
  }
}

/** Decorates `app.authClient` ({@link createAuthClient} with `opts`); closes its sockets on close. */
export const authClientPlugin = fp(
  async (app: FastifyInstance, opts: AuthClientOptions) => {
    const client = createAuthClient(opts)
    app.decorate('authClient', client)
    app.addHook('onClose', () => client.close())
  },
  { name: 'auth-client', fastify: '5.x' },
)
