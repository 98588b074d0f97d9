import { ErrorResponse } from '@social-bridge/contracts'
import type { Role } from '../../plugins/app/authenticate.js'

/** Roles that may read and publish (ARCHITECTURE.md role table). */
export const READERS: Role[] = ['admin', 'social_marketing']
/** Roles that may refresh and disconnect. */
export const ADMINS: Role[] = ['admin']

export const bearerSecurity = [{ bearerAuth: [] }]

// The error shape without its `$id`, so each status can carry its own description.
const { $id: _id, ...errorShape } = ErrorResponse as typeof ErrorResponse & { $id?: string }

/** A success response `schema`, with the OpenAPI response's description (the schema keeps its own). */
export function answer<T extends object>(description: string, schema: T): T {
  return { ...schema, 'x-response-description': description }
}

/** A response in the shared error shape, documented with the codes it carries and when. */
export function errorAnswer(description: string) {
  return { ...errorShape, description }
}

/** When the gateway itself answers each status, whatever the operation (OpenAPI descriptions). */
const GATEWAY_ANSWERS = {
  400:
    '`VALIDATION_FAILED`: a path parameter, query or body that does not match the schema ' +
    '(`details.issues` lists each, as JSON pointers). `BAD_REQUEST`: a URL that is not valid ' +
    'percent-encoded UTF-8, or a body that is not JSON (or has a `__proto__` key).',
  401:
    '`UNAUTHORIZED`: no `Authorization: Bearer <JWT>`, or a JWT that is invalid, expired, or not ' +
    'for this issuer and audience.',
  403: "`FORBIDDEN`: the JWT's roles may not do this.",
  408: "`REQUEST_TIMEOUT`: the request's headers did not arrive in time (10 s by default); the connection is closed.",
  413: '`PAYLOAD_TOO_LARGE`: a body over 1 MiB.',
  414: '`URI_TOO_LONG`: an id over 100 characters.',
  415: '`UNSUPPORTED_MEDIA_TYPE`: a body whose Content-Type is not `application/json`.',
  429:
    '`RATE_LIMITED`: over the per-user budget (`RATE_LIMIT_PER_MINUTE`, 600 a minute by ' +
    'default); `Retry-After` and `details.retryAfterSec` say when to retry.',
  431: '`HEADERS_TOO_LARGE`: request headers over 16 KiB; the connection is closed.',
  500: '`INTERNAL_ERROR`: an unexpected failure, logged under `requestId` (quote it when reporting).',
  503: '`SERVICE_UNAVAILABLE`: the service behind the gateway is not answering; retry shortly.',
} as const

type Status = keyof typeof GATEWAY_ANSWERS | 404 | 409 | 411 | 422

/**
 * The error answers of an operation, each documented in the shared shape: those every route
 * has (400, 408, 431, 500, 503), those of authenticated routes (401, 403, 429), of routes with an
 * `{id}` (404 naming `notFound`, 414), of methods that take a body (413, 415), then `extra`
 * (status → the operation's own codes, appended to the gateway's for the same status;
 * `replace` lists statuses whose gateway text does not apply).
 */
export function errorAnswers(opts: {
  secured: boolean
  notFound?: string
  body?: boolean
  extra?: Partial<Record<Status, string>>
  replace?: Status[]
}): Record<number, ReturnType<typeof errorAnswer>> {
  const texts = new Map<Status, string>()
  const add = (status: Status) => texts.set(status, GATEWAY_ANSWERS[status as keyof typeof GATEWAY_ANSWERS])
  for (const s of [400, 408, 431, 500, 503] as const) add(s)
  if (opts.secured) for (const s of [401, 403, 429] as const) add(s)
  if (opts.notFound) {
    texts.set(404, `\`NOT_FOUND\`: ${opts.notFound}.`)
    add(414)
  }
  if (opts.body) for (const s of [413, 415] as const) add(s)
  for (const [status, text] of Object.entries(opts.extra ?? {}) as [string, string][]) {
    const s = Number(status) as Status
    const base = opts.replace?.includes(s) ? undefined : texts.get(s)
    texts.set(s, base ? `${base} ${text}` : text)
  }
  return Object.fromEntries([...texts].map(([status, text]) => [status, errorAnswer(text)]))
}
