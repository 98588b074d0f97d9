import type { FastifyInstance } from 'fastify'
import analyticsRoutes from './analytics.js'
import connectionRoutes from './connections.js'
import eventRoutes from './events.js'
import oauthRoutes from './oauth.js'
import publishingRoutes from './publishing.js'

/** The public `/v1` API (ARCHITECTURE.md "Public REST API"), mounted with prefix `/v1`. */
export default async function v1Routes(app: FastifyInstance) {
  await app.register(oauthRoutes)
  await app.register(connectionRoutes)
  await app.register(publishingRoutes)
  await app.register(analyticsRoutes)
  await app.register(eventRoutes)
}
