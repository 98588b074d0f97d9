import { type Static, Type } from 'typebox'

/**
 * Error codes the public API answers with (`error.code`). Generic HTTP-level codes first, then
 * domain codes; services add theirs here so the CRM has one list to switch on.
 */
export const ErrorCodes = {
  // HTTP level
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  LENGTH_REQUIRED: 'LENGTH_REQUIRED',
  /** 414: a path parameter longer than the router accepts (100 characters). */
  URI_TOO_LONG: 'URI_TOO_LONG',
  /** 431: the request's header block is larger than the server accepts (16 KiB). */
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE',
  /** 408: the request's headers or body did not arrive in time, or the connection went idle. */
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  // OAuth / connections
  OAUTH_STATE_INVALID: 'OAUTH_STATE_INVALID',
  OAUTH_DENIED: 'OAUTH_DENIED',
  OAUTH_FAILED: 'OAUTH_FAILED',
  CONNECTION_NOT_ACTIVE: 'CONNECTION_NOT_ACTIVE',
  REAUTH_REQUIRED: 'REAUTH_REQUIRED',
  TOKEN_KEY_UNAVAILABLE: 'TOKEN_KEY_UNAVAILABLE',
  /** 409: a shop of this TikTok Shop grant is connected by another user of the tenant (who is not said). */
  SHOP_ALREADY_CONNECTED: 'SHOP_ALREADY_CONNECTED',
  /** 409: the user already has another TikTok Shop connection (one shop per CRM user). */
  SHOP_LIMIT_REACHED: 'SHOP_LIMIT_REACHED',
  /**
   * An Instagram personal account: it connects, but only professional (business or creator)
   * accounts can publish; the user switches the account to professional in Instagram and reconnects.
   */
  INSTAGRAM_PROFESSIONAL_ACCOUNT_REQUIRED: 'INSTAGRAM_PROFESSIONAL_ACCOUNT_REQUIRED',
  // publishing
  /** The connection is of a provider this operation does not serve (e.g. posting to a TikTok Shop connection). */
  PROVIDER_NOT_SUPPORTED: 'PROVIDER_NOT_SUPPORTED',
  MEDIA_NOT_VIDEO: 'MEDIA_NOT_VIDEO',
  PRIVACY_LEVEL_NOT_ALLOWED: 'PRIVACY_LEVEL_NOT_ALLOWED',
  INTERACTION_DISABLED_BY_CREATOR: 'INTERACTION_DISABLED_BY_CREATOR',
  VIDEO_TOO_LONG: 'VIDEO_TOO_LONG',
  TITLE_TOO_LONG: 'TITLE_TOO_LONG',
  URL_NOT_VERIFIED: 'URL_NOT_VERIFIED',
  POSTING_LIMIT_REACHED: 'POSTING_LIMIT_REACHED',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  TIKTOK_REJECTED: 'TIKTOK_REJECTED',
  TIKTOK_UNAVAILABLE: 'TIKTOK_UNAVAILABLE',
  /** 422: `scheduledAt` in the past or more than 120 days ahead. */
  SCHEDULED_AT_OUT_OF_RANGE: 'SCHEDULED_AT_OUT_OF_RANGE',
  /** 409: edit or cancel of a post that is not (or no longer) `scheduled`: it started, ended or was cancelled. */
  POST_NOT_SCHEDULED: 'POST_NOT_SCHEDULED',
  /** 422: a photo TikTok would refuse (not JPEG/WebP, over 20 MB or 1080p, unreadable). */
  MEDIA_NOT_PHOTO: 'MEDIA_NOT_PHOTO',
  // analytics
  SYNC_TOO_FREQUENT: 'SYNC_TOO_FREQUENT',
  // webhooks to the CRM
  /** The endpoint URL is refused: not https (and not allowlisted), or it resolves to a private address. */
  WEBHOOK_URL_REFUSED: 'WEBHOOK_URL_REFUSED',
} as const

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes]

/**
 * The one error shape of every HTTP answer that is not a success (ARCHITECTURE.md "Public REST
 * API"): `{ error: { code, message, details? }, requestId }`. `message` is for humans and never
 * carries internals on 5xx; `details` is machine-readable (e.g. validation errors, retry time).
 */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
    requestId: Type.String(),
  },
  { $id: 'ErrorResponse' },
)
export type ErrorResponse = Static<typeof ErrorResponse>
