import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ForbiddenError, UnauthorizedError } from '../errors.js'
import { createInternalTokenVerifier, type Identity, INTERNAL_TOKEN_HEADER } from '../internal-token.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `internalAuthPlugin` on every route that is not public; `null` before it runs. */
    identity: Identity | null
  }
}

/** The user identity of a request, or 401/403. Use in routes that act for a CRM user. */
export function requireUser(request: FastifyRequest, roles?: string[]): Extract<Identity, { kind: 'user' }> {
  const id = request.identity
  if (!id) throw new UnauthorizedError('This service only accepts requests from the gateway')
  if (id.kind !== 'user') throw new ForbiddenError('This endpoint acts for a CRM user')
  if (roles && !id.roles.some((r) => roles.includes(r))) {
    throw new ForbiddenError(`Requires one of the roles: ${roles.join(', ')}`)
  }
  return id
}

/** The calling service's name, or 401/403 unless it is one of `services`. */
export function requireService(request: FastifyRequest, services: string[]): string {
  const id = request.identity
  if (!id) throw new UnauthorizedError('Service token required')
  if (id.kind !== 'service' || !services.includes(id.service)) {
    throw new ForbiddenError('This endpoint is for other Social Bridge services only')
  }
  return id.service
}

/**
 * Makes a service trust only the gateway's (or a peer service's) identity assertion: every
 * request except `publicPaths` (default: health, readiness, metrics) must carry a valid
 * internal token in `x-internal-token`, else 401 — a direct call to a service port acts for
 * nobody. A token that verified is remembered until it expires (`createInternalTokenVerifier`). The verified identity is on `request.identity`; routes then call `requireUser` or
 * `requireService`.
 */
export const internalAuthPlugin = fp(
  async (app: FastifyInstance, opts: { secret: string; publicPaths?: string[] }) => {
    const open = new Set(opts.publicPaths ?? ['/healthz', '/readyz', '/metrics'])
    const verify = createInternalTokenVerifier(opts.secret)
    app.decorateRequest('identity', null)
    app.addHook('onRequest', async (request) => {
      const path = request.url.split('?')[0] ?? ''
      if (open.has(path) || open.has(request.routeOptions.url ?? '')) return
      const token = request.headers[INTERNAL_TOKEN_HEADER]
      if (typeof token !== 'string' || !token) {
        throw new UnauthorizedError('This service only accepts requests from the gateway')
      }
      try {
        request.identity = await verify(token)
      } catch {
        throw new UnauthorizedError('Internal token is invalid or expired')
      }
    })
  },
  { name: 'sb-internal-auth', fastify: '5.x' },
)
