import { ForbiddenError, UnauthorizedError } from '@social-bridge/service-kit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { CrmUser } from '../external/crm-jwt.js'

/** CRM roles (ARCHITECTURE.md role table). Any other role may do nothing. */
export type Role = 'admin' | 'social_marketing'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified CRM user; null on public routes. */
    crmUser: CrmUser | null
  }
  interface FastifyInstance {
    /** An onRequest hook: 401 without a valid CRM JWT, 403 without one of `roles`. */
    authenticate(roles: Role[]): (request: FastifyRequest) => Promise<void>
  }
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null
  if (!match?.[1]) throw new UnauthorizedError('Authorization: Bearer <JWT> is required')
  return match[1]
}

/**
 * Authentication and role enforcement, run at `onRequest` so nothing (not even an upload
 * body) is read for a caller who may not act.
 */
export const authenticatePlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('crmUser', null)
    app.decorate('authenticate', (roles: Role[]) => async (request: FastifyRequest) => {
      let user: CrmUser
      try {
        user = await app.verifyCrmToken(bearer(request))
      } catch (err) {
        if (err instanceof UnauthorizedError) throw err
        throw new UnauthorizedError(`Invalid token: ${(err as Error).message}`)
      }
      if (!user.roles.some((r) => (roles as string[]).includes(r))) {
        throw new ForbiddenError(`This action needs one of the roles: ${roles.join(', ')}`)
      }
      request.crmUser = user
    })
  },
  { name: 'gateway-authenticate', fastify: '5.x', dependencies: ['gateway-crm-jwt'] },
)
