import type { FastifyInstance } from 'fastify'
import commentRoutes from './comments.js'

/** The `/posts/**` routes analytics-service answers (the gateway maps `/v1/posts/:id/comments` here). */
async function postRoutes(app: FastifyInstance) {
  await app.register(commentRoutes)
}

export default postRoutes
