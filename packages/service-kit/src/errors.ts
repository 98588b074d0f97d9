import createError from '@fastify/error'
import type { ErrorCode } from '@social-bridge/contracts'

/** Marks errors whose message was written for the CRM user and may be shown even on 5xx. */
export const PUBLIC_ERROR = Symbol.for('social-bridge.public-error')

/** An error class made by `defineError`: throw it from a route and the handler renders it. */
export interface PublicErrorClass<Args extends unknown[] = unknown[]> {
  new (...args: Args): PublicError
}

/** An error with a public code, an HTTP status, an optional `details` object and a `cause`. */
export interface PublicError extends Error {
  code: ErrorCode
  statusCode: number
  details?: Record<string, unknown>
  [PUBLIC_ERROR]: true
}

/**
 * Defines a coded error on @fastify/error. `message` may hold `%s` placeholders filled from the
 * constructor's arguments. Attach machine-readable `details` with `withDetails`.
 *
 * @example const TitleTooLong = defineError('TITLE_TOO_LONG', 422, 'Title is %s UTF-16 units; TikTok allows 2200')
 */
export function defineError(
  code: ErrorCode,
  statusCode: number,
  message: string,
): PublicErrorClass<unknown[]> {
  const Base = createError(code, message, statusCode)
  Object.defineProperty(Base.prototype, PUBLIC_ERROR, { value: true })
  return Base as unknown as PublicErrorClass<unknown[]>
}

/** Sets `details` (shown to the caller under `error.details`) on an error and returns it. */
export function withDetails<E extends Error>(err: E, details: Record<string, unknown>): E {
  ;(err as E & { details?: Record<string, unknown> }).details = details
  return err
}

/** True for errors made by `defineError`. */
export function isPublicError(err: unknown): err is PublicError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[PUBLIC_ERROR] === true
}

/** Errors every service raises. */
export const NotFoundError = defineError('NOT_FOUND', 404, '%s not found')
export const ForbiddenError = defineError('FORBIDDEN', 403, '%s')
export const UnauthorizedError = defineError('UNAUTHORIZED', 401, '%s')
export const ConflictError = defineError('CONFLICT', 409, '%s')
export const ServiceUnavailableError = defineError('SERVICE_UNAVAILABLE', 503, '%s')

/**
 * 413: a body declared larger than a limit (an upload over contracts `MAX_MEDIA_BYTES`); `%s` says
 * by how much, `details` has `declaredBytes` and `maxBytes`.
 */
export const PayloadTooLargeError = defineError('PAYLOAD_TOO_LARGE', 413, '%s')
/**
 * 411: an upload without `Content-Length`: its size must be known before it is streamed on (the
 * gateway and publish-service check it before reading a byte of the body).
 */
export const LengthRequiredError = defineError(
  'LENGTH_REQUIRED',
  411,
  'Content-Length is required: send the video with its size',
)
