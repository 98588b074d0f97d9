/**
 * analytics-service's test setup: the app, the real auth-service and the sandbox come from
 * `@social-bridge/analytics-service/testing` (also used by the benchmarks); this file adds the
 * identities its route tests send. Tracked accounts: `accounts.ts`.
 */
import { randomUUID } from 'node:crypto'
import { createTestIdentities } from '@social-bridge/service-kit/testing'
import { INTERNAL_SECRET } from '../testing/index.js'

export { waitUntil } from '@social-bridge/service-kit/testing'
export {
  type BuildOptions,
  build,
  connectThroughAuth,
  INTERNAL_SECRET,
  startAnalytics,
  type TestContext,
} from '../testing/index.js'

const identities = createTestIdentities(INTERNAL_SECRET)

/** Headers of a CRM user's request as the gateway forwards it (default roles: social_marketing). */
export const asUser = (tenantId: string, roles = ['social_marketing']) =>
  identities.asUser({ tenantId, userId: 'u-1', roles })

export const newTenant = () => `tenant-${randomUUID().slice(0, 8)}`
