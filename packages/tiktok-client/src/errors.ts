/**
 * Typed errors of the TikTok client (house style: `name`, a `code` from a const union, `cause`).
 *
 * Every error carries TikTok's own error code (`tiktokCode`: the v2 envelope's `error.code`,
 * docs/tiktok-api.md §2.1, or the OAuth `error`, §1.6), its `log_id` and the HTTP status, plus a
 * `category` telling the caller what to do:
 * - `retryable`: 5xx, `internal_error`, OAuth `server_error`/`temporarily_unavailable`,
 *   timeouts, connection errors — retry with backoff;
 * - `token_invalid`: `access_token_invalid` — refresh the access token, then retry once;
 * - `rate_limited`: HTTP 429 / `rate_limit_exceeded` — wait `retryAfterMs` (TikTok sends no
 *   Retry-After header, §5, so this is the client's advice);
 * - `permanent`: anything else — do not retry as is.
 *
 * Messages never contain tokens, the client secret or authorization codes: the client scrubs
 * every string it got from the wire with {@link redactSecrets} before building an error, and
 * `toJSON` omits `cause`.
 */

/** Codes of this package's errors (SCREAMING_SNAKE, prefixed `TIKTOK_`). */
export const TIKTOK_CLIENT_ERROR_CODES = [
  'TIKTOK_API_ERROR',
  'TIKTOK_OAUTH_ERROR',
  'TIKTOK_UPLOAD_URL_EXPIRED',
  'TIKTOK_UPLOAD_FAILED',
  'TIKTOK_UPLOAD_PROGRESS_UNKNOWN',
  'TIKTOK_TIMEOUT',
  'TIKTOK_CONNECTION_ERROR',
  'TIKTOK_INVALID_RESPONSE',
  'TIKTOK_INVALID_ARGUMENT',
  'TIKTOK_INVALID_WEBHOOK_PAYLOAD',
] as const

/** One of {@link TIKTOK_CLIENT_ERROR_CODES}. */
export type TikTokClientErrorCode = (typeof TIKTOK_CLIENT_ERROR_CODES)[number]

/** What a caller should do with a failed call; see the module comment. */
export type TikTokErrorCategory = 'retryable' | 'token_invalid' | 'rate_limited' | 'permanent'

/** Default backoff advice for `rate_limited` errors: TikTok's windows are 1 minute (§5). */
export const DEFAULT_RATE_LIMIT_BACKOFF_MS = 60_000

/** Constructor options shared by all {@link TikTokError} subclasses. */
export interface TikTokErrorOptions {
  /** TikTok's code: v2 `error.code` or OAuth `error` (e.g. `invalid_grant`). */
  tiktokCode?: string | undefined
  /** TikTok's `log_id`, quote it to TikTok support. */
  logId?: string | undefined
  /** HTTP status of the response, when there was one. */
  httpStatus?: number | undefined
  /** Overrides the category derived by {@link classifyTikTokError}. */
  category?: TikTokErrorCategory | undefined
  /** Backoff advice in ms; set for `rate_limited`. */
  retryAfterMs?: number | undefined
  cause?: unknown
}

/** Base class: catch this to handle every error the client raises. */
export class TikTokError extends Error {
  override name = 'TikTokError'
  readonly code: TikTokClientErrorCode
  readonly tiktokCode: string | undefined
  readonly logId: string | undefined
  readonly httpStatus: number | undefined
  readonly category: TikTokErrorCategory
  /** Suggested wait before retrying, in ms (set for `rate_limited`, otherwise undefined). */
  readonly retryAfterMs: number | undefined

  constructor(code: TikTokClientErrorCode, message: string, options: TikTokErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.tiktokCode = options.tiktokCode
    this.logId = options.logId
    this.httpStatus = options.httpStatus
    this.category =
      options.category ??
      classifyTikTokError({ tiktokCode: options.tiktokCode, httpStatus: options.httpStatus })
    this.retryAfterMs =
      options.retryAfterMs ?? (this.category === 'rate_limited' ? DEFAULT_RATE_LIMIT_BACKOFF_MS : undefined)
  }

  /** True for `retryable` errors (not for `rate_limited`, which needs a longer wait). */
  get retryable(): boolean {
    return this.category === 'retryable'
  }

  /**
   * Compares TikTok's code, treating `invalid_param` and `invalid_params` as one (both are sent,
   * docs/tiktok-api.md §3.2).
   */
  hasTikTokCode(code: string): boolean {
    return normalizeTikTokCode(this.tiktokCode) === normalizeTikTokCode(code)
  }

  /** Safe to log: no `cause`, no request data. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      tiktokCode: this.tiktokCode,
      logId: this.logId,
      httpStatus: this.httpStatus,
      category: this.category,
      retryAfterMs: this.retryAfterMs,
    }
  }
}

/**
 * How a subclass sets `category`: `always` whatever the caller passes, `byDefault` unless the
 * caller passes one; without a rule, {@link classifyTikTokError} derives it.
 */
type CategoryRule = { always: TikTokErrorCategory } | { byDefault: TikTokErrorCategory }

function applyRule(options: TikTokErrorOptions, rule: CategoryRule | undefined): TikTokErrorOptions {
  if (!rule) return options
  return 'always' in rule ? { ...options, category: rule.always } : { category: rule.byDefault, ...options }
}

/**
 * The base of a {@link TikTokError} subclass whose errors all carry `code`, are named `name` and
 * take their category by `rule`; its constructor is `(message, options?)`. Used as
 * `class TikTokXError extends tikTokErrorKind('TikTokXError', 'TIKTOK_X') {}`.
 */
function tikTokErrorKind(name: string, code: TikTokClientErrorCode, rule?: CategoryRule) {
  return class extends TikTokError {
    override name = name
    constructor(message: string, options: TikTokErrorOptions = {}) {
      super(code, message, applyRule(options, rule))
    }
  }
}

/** A v2 API call (Display, Content Posting) answered with `error.code` other than `ok` (§2.1). */
export class TikTokApiError extends tikTokErrorKind('TikTokApiError', 'TIKTOK_API_ERROR') {}

/** The token or revoke endpoint answered `{error, error_description, log_id}` (§1.6), any status. */
export class TikTokOAuthError extends tikTokErrorKind('TikTokOAuthError', 'TIKTOK_OAUTH_ERROR') {}

/**
 * The upload PUT got 403: the `upload_url` expired (valid 1 h, §3.2/§3.5). Init a new upload.
 * `permanent` unless the caller says otherwise.
 */
export class TikTokUploadUrlExpiredError extends tikTokErrorKind(
  'TikTokUploadUrlExpiredError',
  'TIKTOK_UPLOAD_URL_EXPIRED',
  { byDefault: 'permanent' },
) {}

/**
 * The upload PUT failed otherwise (400, 404, unrecoverable 416, an undocumented status such as
 * 200, 5xx after the retries, §3.5).
 */
export class TikTokUploadError extends TikTokError {
  override name = 'TikTokUploadError'
  /** Bytes the server had acknowledged when the upload stopped (0 when unknown). */
  readonly uploadedBytes: number
  constructor(
    message: string,
    options: TikTokErrorOptions & { uploadedBytes?: number } = {},
    code: TikTokClientErrorCode = 'TIKTOK_UPLOAD_FAILED',
  ) {
    super(code, message, options)
    this.uploadedBytes = options.uploadedBytes ?? 0
  }
}

/**
 * A 416 came without a usable progress `Content-Range` (§3.5) and no `fetchUploadedBytes` was
 * given: the client cannot tell where the server stands, and restarting from chunk 0 would only
 * collide again. `permanent` as is: read the status endpoint's `uploaded_bytes` (§3.8) and resume
 * with `startChunk`, or pass `fetchUploadedBytes` so the client does it. A subclass of
 * {@link TikTokUploadError}; `uploadedBytes` is what this client saw acknowledged.
 */
export class TikTokUploadProgressUnknownError extends TikTokUploadError {
  override name = 'TikTokUploadProgressUnknownError'
  constructor(message: string, options: TikTokErrorOptions & { uploadedBytes?: number } = {}) {
    super(message, applyRule(options, { byDefault: 'permanent' }), 'TIKTOK_UPLOAD_PROGRESS_UNKNOWN')
  }
}

/** No complete answer within the call's timeout. Always `retryable`. */
export class TikTokTimeoutError extends tikTokErrorKind('TikTokTimeoutError', 'TIKTOK_TIMEOUT', {
  always: 'retryable',
}) {}

/** The connection failed or was reset (DNS, refused, socket closed). Always `retryable`. */
export class TikTokConnectionError extends tikTokErrorKind(
  'TikTokConnectionError',
  'TIKTOK_CONNECTION_ERROR',
  {
    always: 'retryable',
  },
) {}

/** TikTok answered something this client cannot read (not JSON, missing fields). */
export class TikTokInvalidResponseError extends tikTokErrorKind(
  'TikTokInvalidResponseError',
  'TIKTOK_INVALID_RESPONSE',
) {}

/** The caller passed a value TikTok would reject (chunk sizes, > 20 ids, bad verifier…). Always `permanent`. */
export class TikTokInvalidArgumentError extends tikTokErrorKind(
  'TikTokInvalidArgumentError',
  'TIKTOK_INVALID_ARGUMENT',
  { always: 'permanent' },
) {}

/** A webhook body is not the envelope of docs/tiktok-api.md §4.3. `permanent` unless the caller says otherwise. */
export class TikTokWebhookPayloadError extends tikTokErrorKind(
  'TikTokWebhookPayloadError',
  'TIKTOK_INVALID_WEBHOOK_PAYLOAD',
  { byDefault: 'permanent' },
) {}

const RETRYABLE_CODES = new Set(['internal_error', 'server_error', 'temporarily_unavailable', 'internal'])

/**
 * Derives the {@link TikTokErrorCategory} from TikTok's code and the HTTP status.
 * Rate limiting wins over everything, then an invalid token, then server errors.
 */
export function classifyTikTokError(input: {
  tiktokCode?: string | undefined
  httpStatus?: number | undefined
}): TikTokErrorCategory {
  const { tiktokCode, httpStatus } = input
  if (httpStatus === 429 || tiktokCode === 'rate_limit_exceeded') return 'rate_limited'
  if (tiktokCode === 'access_token_invalid') return 'token_invalid'
  if (tiktokCode !== undefined && RETRYABLE_CODES.has(tiktokCode)) return 'retryable'
  if (httpStatus !== undefined && httpStatus >= 500) return 'retryable'
  return 'permanent'
}

function normalizeTikTokCode(code: string | undefined): string | undefined {
  return code === 'invalid_param' ? 'invalid_params' : code
}

const TOKEN_PATTERN = /\b(?:act|rft|clt)\.[A-Za-z0-9._~*!%+/=-]+/g

/**
 * Removes secrets from a string that will end up in an error message: every exact occurrence of
 * a known secret (client secret, tokens, authorization code, upload URL) and anything shaped like
 * a TikTok token (`act.…`, `rft.…`, `clt.…`, §1.4).
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue
    // Also the encoded forms a server might echo (form body, query string).
    const forms = new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ])
    for (const form of forms) out = out.split(form).join('[REDACTED]')
  }
  return out.replace(TOKEN_PATTERN, '[REDACTED]')
}
