import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Logs `request aborted` (at `info`, with `req`: method, scrubbed URL, client address) when a
 * client goes away before its answer: Fastify's own line (`RequestLogController`) comes only once
 * an answer is sent, and at `info` there is no line when a request arrives.
 */
export const requestLogPlugin = fp(
  async (app: FastifyInstance) => {
    // callback style: no promise per request
    app.addHook('onRequestAbort', (request, done) => {
      request.log.info({ req: request }, 'request aborted')
      done()
    })
  },
  { name: 'sb-request-log', fastify: '5.x' },
)
