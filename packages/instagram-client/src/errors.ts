/**
 * The one error type of the Instagram client (docs/instagram-api.md "Errors").
 *
 * Graph answers errors as `{error: {message, type, code, error_subcode, fbtrace_id, is_transient}}`;
 * the code exchange on api.instagram.com answers `{error_type, code, error_message}`. Both become an
 * {@link InstagramGraphError} with Graph's numeric `code` and `subcode`, and a `category` telling
 * the caller what to do:
 * - `rate_limited`: HTTP 429 or codes 4, 17, 32, 613, 80002 — wait (see `usage`), then retry;
 * - `grant_invalid`: code 190 — the token (or authorization code) is dead: the user must log in again;
 * - `retryable`: HTTP 5xx, codes 1 and 2, `is_transient: true`, timeouts, connection errors;
 * - `failed`: anything else (bad parameters, missing permission, unknown object…).
 *
 * Messages never contain an access token, the app secret or an authorization code: they are built
 * from fixed text plus Graph's `message` scrubbed by {@link redactGraphSecrets}; `toJSON` omits `cause`.
 */
import type { GraphUsage } from './usage.js'

/** What went wrong, independent of Graph's numeric codes. */
export const INSTAGRAM_ERROR_KINDS = [
  /** Graph (or api.instagram.com) answered with an error envelope. */
  'graph_error',
  'timeout',
  'connection_error',
  /** A 2xx/4xx/5xx answer that is not JSON or lacks a field the call needs. */
  'invalid_response',
  /** The caller's input was refused before any request (e.g. no state for the authorize URL). */
  'invalid_argument',
] as const

export type InstagramErrorKind = (typeof INSTAGRAM_ERROR_KINDS)[number]

/** What a caller should do with a failed call; see the module comment. */
export type InstagramErrorCategory = 'retryable' | 'rate_limited' | 'grant_invalid' | 'failed'

/** Graph error codes this client acts on (docs/instagram-api.md "Errors", "Rate limits"). */
export const GraphCodes = {
  /** Unknown error; possibly temporary. */
  UNKNOWN: 1,
  /** Service temporarily unavailable. */
  SERVICE: 2,
  /** Application request limit reached (app-level rate limit). */
  APP_RATE_LIMIT: 4,
  /** Permission missing. */
  PERMISSION: 10,
  /** User request limit reached. */
  USER_RATE_LIMIT: 17,
  /** Page-level request limit reached. */
  PAGE_RATE_LIMIT: 32,
  /** Invalid parameter. */
  INVALID_PARAMETER: 100,
  /** Invalid or expired access token (subcodes 458 app removed, 460 password changed, 463 expired, 467 invalid). */
  INVALID_TOKEN: 190,
  /** Calls within one hour exceeded. */
  CALLS_PER_HOUR: 613,
  /** Too many calls to this Instagram account (Business Use Case rate limit). */
  IG_ACCOUNT_RATE_LIMIT: 80002,
} as const

const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613, 80002])
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2])

/** Constructor options of {@link InstagramGraphError}. */
export interface InstagramGraphErrorOptions {
  /** Graph's `error.code` (or api.instagram.com's `code`). */
  code?: number | undefined
  subcode?: number | undefined
  /** Graph's `error.type`, e.g. `OAuthException`. */
  type?: string | undefined
  fbtraceId?: string | undefined
  isTransient?: boolean | undefined
  httpStatus?: number | undefined
  /** Usage headers of the failed answer, when there was one. */
  usage?: GraphUsage | undefined
  category?: InstagramErrorCategory | undefined
  cause?: unknown
}

/** Every error the Instagram client raises. */
export class InstagramGraphError extends Error {
  override name = 'InstagramGraphError'
  readonly kind: InstagramErrorKind
  /** Graph's numeric error code (undefined for transport errors). */
  readonly code: number | undefined
  /** Graph's `error_subcode`, e.g. 463 (token expired) or 2207042 (publishing limit). */
  readonly subcode: number | undefined
  readonly type: string | undefined
  /** Quote it to Meta support. */
  readonly fbtraceId: string | undefined
  readonly httpStatus: number | undefined
  readonly usage: GraphUsage | undefined
  readonly category: InstagramErrorCategory

  constructor(kind: InstagramErrorKind, message: string, options: InstagramGraphErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.kind = kind
    this.code = options.code
    this.subcode = options.subcode
    this.type = options.type
    this.fbtraceId = options.fbtraceId
    this.httpStatus = options.httpStatus
    this.usage = options.usage
    this.category = options.category ?? classifyGraphError({ kind, ...options })
  }

  /** Safe to log: no `cause`, no request data. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      code: this.code,
      subcode: this.subcode,
      type: this.type,
      fbtraceId: this.fbtraceId,
      httpStatus: this.httpStatus,
      category: this.category,
    }
  }
}

/** Category from the kind, HTTP status and Graph code (rate limit, dead grant, transient, else failed). */
export function classifyGraphError(input: {
  kind: InstagramErrorKind
  code?: number | undefined
  httpStatus?: number | undefined
  isTransient?: boolean | undefined
}): InstagramErrorCategory {
  const { kind, code, httpStatus, isTransient } = input
  if (kind === 'timeout' || kind === 'connection_error') return 'retryable'
  if (httpStatus === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) return 'rate_limited'
  if (code === GraphCodes.INVALID_TOKEN) return 'grant_invalid'
  if (isTransient || (code !== undefined && TRANSIENT_CODES.has(code))) return 'retryable'
  if (httpStatus !== undefined && httpStatus >= 500) return 'retryable'
  return 'failed'
}

const SECRET_PARAMS = /\b(access_token|client_secret|code|input_token|fb_exchange_token)=[^&\s"']+/gi

/**
 * Scrubs text that will become an error message: every known secret (tokens, app secret,
 * authorization code) in plain and URL-encoded form, and any `access_token=` / `client_secret=` /
 * `code=` query value even when the value is not known.
 */
export function redactGraphSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(SECRET_PARAMS, '$1=[REDACTED]')
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('[REDACTED]')
  }
  return out
}
