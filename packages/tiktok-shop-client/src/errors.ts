/**
 * Typed errors of the TikTok Shop client (house style: `name`, a `code` from a const union, `cause`).
 *
 * Every error carries TikTok Shop's numeric `code` from the `{code, message, request_id, data}`
 * envelope when there was one (`shopCode`, docs/tiktok-shop-api.md §2), its `request_id`, the HTTP
 * status, and a `category` telling the caller what to do:
 * - `retryable`: HTTP 5xx, timeouts, connection errors — retry with backoff;
 * - `rate_limited`: HTTP 429 — wait, then retry;
 * - `grant_invalid`: the refresh token (or authorization code) is no longer accepted
 *   (`36004005`, `36004004`) — the seller must authorize again;
 * - `token_invalid`: the access token was refused by a Shop API call — refresh, retry once;
 * - `permanent`: anything else.
 *
 * Messages never contain the app secret, a token or an authorization code: they are built from
 * fixed text plus TikTok's `message` scrubbed by {@link redactShopSecrets}; `toJSON` omits `cause`.
 */

/** Codes of this package's errors. */
export const TIKTOK_SHOP_CLIENT_ERROR_CODES = [
  'TIKTOK_SHOP_API_ERROR',
  'TIKTOK_SHOP_TIMEOUT',
  'TIKTOK_SHOP_CONNECTION_ERROR',
  'TIKTOK_SHOP_INVALID_RESPONSE',
  'TIKTOK_SHOP_INVALID_ARGUMENT',
] as const

export type TikTokShopClientErrorCode = (typeof TIKTOK_SHOP_CLIENT_ERROR_CODES)[number]

/** What a caller should do with a failed call; see the module comment. */
export type TikTokShopErrorCategory =
  | 'retryable'
  | 'rate_limited'
  | 'grant_invalid'
  | 'token_invalid'
  | 'permanent'

/**
 * Envelope codes this client knows (docs/tiktok-shop-api.md §2 and §3). The first two were seen
 * in the wild; the others are the ones the sandbox uses where TikTok's own are not documented.
 */
export const ShopCodes = {
  /** Token get: the authorization code is invalid, expired or used. */
  INVALID_AUTH_CODE: 36004004,
  /** Token refresh: the refresh token is invalid or expired. */
  INVALID_REFRESH_TOKEN: 36004005,
  /** Shop API: the access token is invalid or expired (sandbox's choice). */
  INVALID_ACCESS_TOKEN: 105002,
  /** Shop API: `sign` does not match (sandbox's choice). */
  INVALID_SIGN: 106001,
  /** Shop API: `timestamp` is missing or outside the tolerance (sandbox's choice). */
  INVALID_TIMESTAMP: 106002,
} as const

/** Constructor options of {@link TikTokShopError}. */
export interface TikTokShopErrorOptions {
  shopCode?: number | undefined
  requestId?: string | undefined
  httpStatus?: number | undefined
  category?: TikTokShopErrorCategory | undefined
  cause?: unknown
}

/** Every error the client raises. */
export class TikTokShopError extends Error {
  override name = 'TikTokShopError'
  readonly code: TikTokShopClientErrorCode
  /** The envelope's `code` (never 0 here). */
  readonly shopCode: number | undefined
  /** The envelope's `request_id`: quote it to TikTok Shop support. */
  readonly requestId: string | undefined
  readonly httpStatus: number | undefined
  readonly category: TikTokShopErrorCategory

  constructor(code: TikTokShopClientErrorCode, message: string, options: TikTokShopErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.shopCode = options.shopCode
    this.requestId = options.requestId
    this.httpStatus = options.httpStatus
    this.category = options.category ?? classifyShopError(options)
  }

  /** Safe to log: no `cause`, no request data. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      shopCode: this.shopCode,
      requestId: this.requestId,
      httpStatus: this.httpStatus,
      category: this.category,
    }
  }
}

/** Category from the envelope code and HTTP status (rate limit, then server errors, then codes). */
export function classifyShopError(input: {
  shopCode?: number | undefined
  httpStatus?: number | undefined
}): TikTokShopErrorCategory {
  const { shopCode, httpStatus } = input
  if (httpStatus === 429) return 'rate_limited'
  if (httpStatus !== undefined && httpStatus >= 500) return 'retryable'
  if (shopCode === ShopCodes.INVALID_REFRESH_TOKEN || shopCode === ShopCodes.INVALID_AUTH_CODE)
    return 'grant_invalid'
  if (shopCode === ShopCodes.INVALID_ACCESS_TOKEN) return 'token_invalid'
  return 'permanent'
}

/**
 * Removes every occurrence of a known secret (app secret, tokens, authorization code) from text
 * that will become an error message, in plain and URL-encoded form.
 */
export function redactShopSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('[REDACTED]')
  }
  return out
}
