import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { REQUEST_ID_HEADER } from '../logger.js'

/** Echoes the request id (`x-request-id`) on every answer so the CRM can quote it. */
export const requestIdPlugin = fp(
  async (app: FastifyInstance) => {
    // callback style: no promise per request
    app.addHook('onRequest', (request, reply, done) => {
      reply.header(REQUEST_ID_HEADER, request.id)
      done()
    })
  },
  { name: 'sb-request-id', fastify: '5.x' },
)
