import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { errorBody, toErrorResponse } from '../error-response.js'
import { defineError, ServiceUnavailableError, withDetails } from '../errors.js'
import { hasMalformedQuery } from '../http-edge.js'
import { REQUEST_ID_HEADER } from '../logger.js'
import { isNatsUnavailable, NATS_RETRY_AFTER_SEC } from '../nats/unavailable.js'

/** What a request that NATS could not serve (an outage, a JetStream election) answers: 503 with Retry-After. */
const natsUnavailable = () =>
  withDetails(new ServiceUnavailableError('The message bus is not answering; try again shortly'), {
    retryAfterSec: NATS_RETRY_AFTER_SEC,
  })

/** A query string that is not percent-encoded UTF-8 (RFC 3986 §2.1). */
export const MalformedQueryError = defineError(
  'BAD_REQUEST',
  400,
  'The query string is not valid percent-encoded UTF-8',
)

/**
 * The one error handler of a service (CONVENTIONS.md 11): every failure answers the shared
 * shape `{ error: { code, message, details? }, requestId }` (see `toErrorResponse`); 5xx never
 * echo internals and no answer echoes raw input; 5xx are logged at `error` with the request id,
 * 4xx at `info`. Unknown routes answer 404 `NOT_FOUND`. A query that is not valid
 * percent-encoding answers 400 `BAD_REQUEST` before any other hook (authentication included), so
 * nothing downstream — a route, a proxy — has to decode it.
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    // callback style: no promise per request
    app.addHook('onRequest', (request, _reply, done) => {
      done(hasMalformedQuery(request.url) ? new MalformedQueryError() : undefined)
    })
    app.setErrorHandler((raw: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      // A NATS outage or election is temporary: 503 with Retry-After, never a bare 500.
      const natsDown = isNatsUnavailable(raw)
      if (natsDown) request.log.warn({ err: raw }, 'NATS unavailable')
      const err = natsDown ? (natsUnavailable() as unknown as FastifyError) : raw
      const { status, body } = toErrorResponse(err, request.id)
      if (status >= 500 && !natsDown) request.log.error({ err }, 'request failed')
      else
        request.log.info({ err: { code: body.error.code, message: body.error.message } }, 'request rejected')
      const retryAfter = (err as { details?: { retryAfterSec?: number } }).details?.retryAfterSec
      if (retryAfter !== undefined) reply.header('retry-after', String(Math.ceil(retryAfter)))
      // Also here: a hook that rejects before requestIdPlugin's has not set it yet.
      return reply.header(REQUEST_ID_HEADER, request.id).status(status).send(body)
    })
    app.setNotFoundHandler((request, reply) =>
      reply
        .header(REQUEST_ID_HEADER, request.id)
        .status(404)
        .send(errorBody(request.id, 'NOT_FOUND', 'No route matches this method and path')),
    )
  },
  { name: 'sb-error-handler', fastify: '5.x' },
)
