import type { FastifyInstance } from 'fastify'
import type { AnalyticsConfig } from '../../config.js'
import reportRoutes from './reports.js'
import syncRoutes from './sync.js'

/** The `/analytics/**` routes (the gateway maps `/v1/analytics/**` here), acting for a CRM user. */
async function analyticsRoutes(app: FastifyInstance, opts: { config: AnalyticsConfig }) {
  await app.register(reportRoutes)
  await app.register(syncRoutes, { minIntervalSec: opts.config.MANUAL_SYNC_MIN_INTERVAL_SEC })
}

export default analyticsRoutes
