import { createInternalTokenSigner } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createLeaseClient, type LeaseClient } from './lease-client.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** auth-service's internal API: token leases and the active-connection list. */
    authLeases: LeaseClient
  }
}

/** Decorates `app.authLeases` (calls signed as `analytics-service`); closes its sockets on close. */
export const leaseClientPlugin = fp(
  async (app: FastifyInstance, opts: { authServiceUrl: string; internalJwtSecret: string }) => {
    const client = createLeaseClient({
      baseUrl: opts.authServiceUrl,
      signer: createInternalTokenSigner({ secret: opts.internalJwtSecret }),
    })
    app.decorate('authLeases', client)
    app.addHook('onClose', () => client.close())
  },
  { name: 'analytics-lease-client', fastify: '5.x' },
)
