import type { ErrorCode, ErrorResponse } from '@social-bridge/contracts'
import type { FastifyError } from 'fastify'
import { isPublicError } from './errors.js'

/** A rendered failure: the HTTP status and the shared error body. */
export interface RenderedError {
  status: number
  body: ErrorResponse
}

/**
 * Fastify's own request-time error codes, with our code and a fixed message: Fastify's messages
 * may quote the input (the path, the content type), and an answer never echoes raw input.
 */
const FASTIFY_CODES: Record<string, { code: ErrorCode; status: number; message: string }> = {
  FST_ERR_BAD_URL: {
    code: 'BAD_REQUEST',
    status: 400,
    message: 'The URL path is not valid percent-encoded UTF-8',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    code: 'URI_TOO_LONG',
    status: 414,
    message: 'A path parameter is longer than 100 characters',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'PAYLOAD_TOO_LARGE',
    status: 413,
    message: 'Request body is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    message: 'This route does not accept that Content-Type',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'BAD_REQUEST',
    status: 400,
    message: 'Request body size did not match Content-Length',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'BAD_REQUEST', status: 400, message: 'Request body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'BAD_REQUEST',
    status: 400,
    message: 'Request body is not valid JSON (or has a __proto__ or constructor.prototype key)',
  },
}

/** For any other 4xx a library raises: our code and a fixed message per status. */
const STATUS_CODES: Record<number, { code: ErrorCode; message: string }> = {
  400: { code: 'BAD_REQUEST', message: 'The request is not valid' },
  401: { code: 'UNAUTHORIZED', message: 'Authentication is required' },
  403: { code: 'FORBIDDEN', message: 'This action is not allowed' },
  404: { code: 'NOT_FOUND', message: 'Not found' },
  408: { code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in time' },
  409: { code: 'CONFLICT', message: 'The request conflicts with the current state' },
  411: { code: 'LENGTH_REQUIRED', message: 'Content-Length is required' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  414: { code: 'URI_TOO_LONG', message: 'The URL is too long' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'This route does not accept that Content-Type' },
  429: { code: 'RATE_LIMITED', message: 'Too many requests' },
  431: { code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large' },
}

/** The shared error body (`{ error: { code, message, details? }, requestId }`). */
export function errorBody(
  requestId: string,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): ErrorResponse {
  return { error: details ? { code, message, details } : { code, message }, requestId }
}

/**
 * Maps any error a request raised to its status and the shared body (CONVENTIONS.md 11):
 * schema violations → 400 `VALIDATION_FAILED` with `details.issues` (JSON pointers and ajv's
 * messages, which name the schema, not the data); `defineError` errors keep code, message,
 * status and details; Fastify's and other libraries' 4xx get a fixed message per code or status;
 * anything else is 500 `INTERNAL_ERROR` with no internals.
 */
export function toErrorResponse(err: FastifyError, requestId: string): RenderedError {
  if (err.validation) {
    const issues = err.validation.map((v) => ({
      path: v.instancePath || '/',
      message: v.message ?? 'invalid',
    }))
    return {
      status: 400,
      body: errorBody(
        requestId,
        'VALIDATION_FAILED',
        `Invalid ${err.validationContext ?? 'request'}: ${err.message}`,
        { issues },
      ),
    }
  }
  if (isPublicError(err)) {
    return { status: err.statusCode, body: errorBody(requestId, err.code, err.message, err.details) }
  }
  const known = FASTIFY_CODES[err.code]
  if (known) return { status: known.status, body: errorBody(requestId, known.code, known.message) }
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500) {
    const generic = STATUS_CODES[status] ?? { code: 'BAD_REQUEST', message: 'The request is not valid' }
    return { status, body: errorBody(requestId, generic.code, generic.message) }
  }
  return { status: 500, body: errorBody(requestId, 'INTERNAL_ERROR', 'Internal server error') }
}
