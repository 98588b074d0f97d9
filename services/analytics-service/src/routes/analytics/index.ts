import type { FastifyInstance } from 'fastify'
import type { AnalyticsConfig } from '../../config.js'
import connectionAnalyticsRoutes from './connections.js'
import postAnalyticsRoutes from './posts.js'
import summaryRoutes from './summary.js'
import syncRoutes from './sync.js'

/** The `/analytics/**` routes (the gateway maps `/v1/analytics/**` here), acting for a CRM user. */
async function analyticsRoutes(app: FastifyInstance, opts: { config: AnalyticsConfig }) {
  await app.register(postAnalyticsRoutes)
  await app.register(connectionAnalyticsRoutes)
  await app.register(summaryRoutes)
  await app.register(syncRoutes, { minIntervalSec: opts.config.MANUAL_SYNC_MIN_INTERVAL_SEC })
}

export default analyticsRoutes
