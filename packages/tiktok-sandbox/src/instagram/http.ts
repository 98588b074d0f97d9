/**
 * Graph's answer shapes on the emulator (docs/instagram-api.md "Errors", "Rate limits"): the error
 * envelope `{error: {message, type, code, error_subcode, is_transient, fbtrace_id}}`, the usage
 * headers, and the merged parameters of a Graph call (query, form or JSON body).
 */
import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { OAuthError, TikTokApiError } from '../errors.js'

/** A Graph error thrown by a route module; rendered by {@link sendGraphError}. */
export class GraphApiError extends Error {
  override name = 'GraphApiError'
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    readonly extra: { type?: string; subcode?: number; isTransient?: boolean } = {},
  ) {
    super(message)
  }
}

/** The Graph errors the modules share (codes from docs/instagram-api.md "Errors"). */
export const graphErrors = {
  /** 190: missing, unknown or dead token (subcode 463 expired, 458 app removed). */
  invalidToken: (subcode?: number) =>
    new GraphApiError(
      400,
      190,
      subcode === 463
        ? 'Error validating access token: Session has expired.'
        : 'Invalid OAuth access token - Cannot parse access token',
      { type: 'OAuthException', ...(subcode === undefined ? {} : { subcode }) },
    ),
  /** 100: a missing or bad parameter. */
  invalidParameter: (message: string, subcode?: number) =>
    new GraphApiError(400, 100, message, {
      type: 'OAuthException',
      ...(subcode === undefined ? {} : { subcode }),
    }),
  /** 100/33: an unknown object, or one this token may not see. */
  unknownObject: (method: string, id: string) =>
    new GraphApiError(
      400,
      100,
      `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      { type: 'GraphMethodException', subcode: 33 },
    ),
  /** 10: the token lacks the permission. */
  permission: (permission: string) =>
    new GraphApiError(
      403,
      10,
      `(#10) Application does not have permission for this action (${permission}).`,
      {
        type: 'OAuthException',
      },
    ),
  /** 80002: too many calls to this Instagram account (Business Use Case limit). */
  accountRateLimited: () =>
    new GraphApiError(
      400,
      80002,
      'There have been too many calls to this Instagram account. Wait a bit and try again.',
      {
        type: 'OAuthException',
      },
    ),
} as const

/** Maps the sandbox's fault hook errors (TikTok-shaped) and unknown errors onto Graph errors. */
export function toGraphError(err: unknown): GraphApiError {
  if (err instanceof GraphApiError) return err
  if (err instanceof TikTokApiError || err instanceof OAuthError) {
    const code = err instanceof TikTokApiError ? err.code : err.error
    const status = err.httpStatus ?? 400
    const numeric = Number(code)
    if (Number.isInteger(numeric))
      return new GraphApiError(status, numeric, err.message, { type: 'OAuthException' })
    if (status === 429 || code === 'rate_limit_exceeded' || code === 'temporarily_unavailable')
      return new GraphApiError(status, 4, '(#4) Application request limit reached', {
        type: 'OAuthException',
        isTransient: true,
      })
    if (status >= 500)
      return new GraphApiError(
        status,
        2,
        'An unexpected error has occurred. Please retry your request later.',
        {
          type: 'OAuthException',
          isTransient: true,
        },
      )
    return new GraphApiError(status, 100, err.message, { type: 'OAuthException' })
  }
  const status = (err as { statusCode?: number }).statusCode
  if (status !== undefined && status < 500)
    return graphErrors.invalidParameter(err instanceof Error ? err.message : String(err))
  return new GraphApiError(500, 1, 'An unknown error has occurred.', {
    type: 'OAuthException',
    isTransient: true,
  })
}

const fbtraceId = () => randomBytes(8).toString('base64url')

/** Sends the Graph error envelope with the error's HTTP status. */
export function sendGraphError(reply: FastifyReply, err: GraphApiError): FastifyReply {
  reply.request.tt.errorCode = String(err.code)
  const error: Record<string, unknown> = {
    message: err.message,
    type: err.extra.type ?? 'OAuthException',
    code: err.code,
  }
  if (err.extra.subcode !== undefined) error.error_subcode = err.extra.subcode
  if (err.extra.isTransient !== undefined) error.is_transient = err.extra.isTransient
  error.fbtrace_id = fbtraceId()
  return reply.code(err.httpStatus).type('application/json; charset=UTF-8').send(JSON.stringify({ error }))
}

/** Sends a 2xx JSON answer. */
export function sendGraph(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply.code(status).type('application/json; charset=UTF-8').send(JSON.stringify(body))
}

/**
 * A Graph call's parameters: the query merged with a form or JSON body (Graph accepts both; the
 * body wins). Values are strings (non-string JSON values are stringified).
 */
export function graphParams(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {}
  for (const source of [request.query, request.body]) {
    if (!source || typeof source !== 'object') continue
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      if (v === undefined || v === null) continue
      out[k] = typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : JSON.stringify(v)
    }
  }
  return out
}

/** `fields=a,b` as a list (empty when absent). */
export function fieldList(params: Record<string, string>): string[] {
  return (params.fields ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
}
