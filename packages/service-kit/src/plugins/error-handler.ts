import type { ErrorResponse } from '@social-bridge/contracts'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isPublicError } from '../errors.js'

/** Fastify's own error codes mapped to our public codes. */
const FASTIFY_CODES: Record<string, { code: string; status: number; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'PAYLOAD_TOO_LARGE',
    status: 413,
    message: 'Request body is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', status: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'BAD_REQUEST', status: 400, message: 'Request body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'BAD_REQUEST',
    status: 400,
    message: 'Request body is not valid JSON',
  },
}

function toResponse(err: FastifyError, requestId: string): { status: number; body: ErrorResponse } {
  const body = (code: string, message: string, details?: Record<string, unknown>): ErrorResponse => ({
    error: details ? { code, message, details } : { code, message },
    requestId,
  })
  if (err.validation) {
    const issues = err.validation.map((v) => ({
      path: v.instancePath || '/',
      message: v.message ?? 'invalid',
    }))
    return {
      status: 400,
      body: body('VALIDATION_FAILED', `Invalid ${err.validationContext ?? 'request'}: ${err.message}`, {
        issues,
      }),
    }
  }
  if (isPublicError(err)) {
    return { status: err.statusCode, body: body(err.code, err.message, err.details) }
  }
  const mapped = FASTIFY_CODES[err.code]
  if (mapped) return { status: mapped.status, body: body(mapped.code, mapped.message ?? err.message) }
  const status = err.statusCode ?? 500
  if (status === 429) return { status, body: body('RATE_LIMITED', err.message) }
  if (status >= 400 && status < 500) return { status, body: body('BAD_REQUEST', err.message) }
  return { status: 500, body: body('INTERNAL_ERROR', 'Internal server error') }
}

/**
 * The one error handler of a service (CONVENTIONS.md 11): every failure answers the shared
 * shape `{ error: { code, message, details? }, requestId }`; 5xx never echo internals (only
 * errors made with `defineError` keep their message); 5xx are logged at `error` with the
 * request id, 4xx at `info`. Unknown routes answer 404 `NOT_FOUND`.
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const { status, body } = toResponse(err, request.id)
      if (status >= 500) request.log.error({ err }, 'request failed')
      else
        request.log.info({ err: { code: body.error.code, message: body.error.message } }, 'request rejected')
      const retryAfter = (err as { details?: { retryAfterSec?: number } }).details?.retryAfterSec
      if (retryAfter !== undefined) reply.header('retry-after', String(Math.ceil(retryAfter)))
      return reply.status(status).send(body)
    })
    app.setNotFoundHandler((request, reply) => {
      const body: ErrorResponse = {
        error: {
          code: 'NOT_FOUND',
          message: `Route ${request.method} ${request.url.split('?')[0]} not found`,
        },
        requestId: request.id,
      }
      return reply.status(404).send(body)
    })
  },
  { name: 'sb-error-handler', fastify: '5.x' },
)
