import { createInternalTokenSigner } from '../internal-token.js'

/** A CRM user as the gateway forwards it. `roles` default to `['admin']`. */
export interface TestUser {
  tenantId: string
  userId?: string
  roles?: string[]
}

/** Builds the `x-internal-token` headers a request carries once it passed the gateway. */
export interface TestIdentities {
  /** Headers of a CRM user's request (`userId` defaults to `user-1`, roles to `['admin']`). */
  asUser(user: TestUser): Promise<Record<string, string>>
  /** Headers of a peer service's request (`gateway`, `publish-service`, …). */
  asService(service: string): Promise<Record<string, string>>
}

/**
 * Internal identity tokens for tests, signed with `secret` (the services' `INTERNAL_JWT_SECRET`)
 * as the gateway and the peer services sign them (service-kit `internal-token.ts`).
 */
export function createTestIdentities(secret: string): TestIdentities {
  const signer = createInternalTokenSigner({ secret })
  return {
    async asUser({ tenantId, userId = 'user-1', roles = ['admin'] }) {
      return { 'x-internal-token': await signer.sign({ kind: 'user', tenantId, userId, roles }) }
    },
    async asService(service) {
      return { 'x-internal-token': await signer.forService(service) }
    },
  }
}
