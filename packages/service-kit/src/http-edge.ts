import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errorBody, toErrorResponse } from './error-response.js'
import { REQUEST_ID_HEADER } from './logger.js'

/**
 * Fastify's `frameworkErrors`: what the router rejects before any hook runs — a path that is
 * not valid percent-encoding (`FST_ERR_BAD_URL`, 400) or a parameter over `maxParamLength`
 * (`FST_ERR_MAX_PARAM_LENGTH`, 414) — answers the shared shape with the request id, never the path.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(err, request.id)
  request.log.info({ err: { code: body.error.code, message: body.error.message } }, 'request rejected')
  reply.header(REQUEST_ID_HEADER, request.id).status(status).send(body)
}

/** Node's HTTP parser errors (`clientError`) as our code, status and message. */
function clientErrorAnswer(err: NodeJS.ErrnoException): { status: number; code: string; message: string } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request headers are larger than 16 KiB' }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in time' }
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Chunk extensions are too large' }
    default:
      return { status: 400, code: 'BAD_REQUEST', message: 'The request is not valid HTTP/1.1' }
  }
}

/**
 * Fastify's `clientErrorHandler` (Node's `clientError` event: the request never became a
 * request — header block over `maxHeaderSize`, malformed request line or header, headers or body
 * later than `headersTimeout`/`requestTimeout`). Answers 400, 408, 413 or 431 in the shared shape
 * with a fresh request id (the headers were not parsed, so the caller's id is unknown), in the
 * body and in `x-request-id`, then closes the connection. Nothing is written when a response
 * has already started on the socket.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  const requestId = randomUUID()
  const { status, code, message } = clientErrorAnswer(err)
  this.log.info({ reqId: requestId, err: { code: err.code, message: err.message }, status }, 'client error')
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify(errorBody(requestId, code, message))
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `${REQUEST_ID_HEADER}: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    )
  }
  socket.destroy(err)
}

/**
 * True when the query string of `url` (a request target) is not valid percent-encoded UTF-8
 * (RFC 3986 §2.1): a `%` not followed by two hex digits, or bytes that are not UTF-8 (e.g. an
 * encoded surrogate, `%ED%A0%80`). Such a query cannot be decoded faithfully by anyone.
 */
export function hasMalformedQuery(url: string): boolean {
  const q = url.indexOf('?')
  if (q < 0 || !url.includes('%', q)) return false
  try {
    decodeURIComponent(url.slice(q + 1))
    return false
  } catch {
    return true
  }
}
