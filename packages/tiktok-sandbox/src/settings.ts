/**
 * Runtime-tunable behaviour of the sandbox. Every field has a default that follows
 * docs/tiktok-api.md section 0 ("what to build"); tests lower delays, caps and limits.
 * Change at runtime with `sandbox.updateSettings(patch)` or `PATCH /_sandbox/settings`.
 */
export interface SandboxSettings {
  // --- OAuth (docs/tiktok-api.md §1) ---
  /** PKCE on the authorize page: `optional` (verified when a challenge is sent) or `required`. (1.2) */
  pkce: 'optional' | 'required'
  /** Also accept an RFC 7636 base64url challenge, not only TikTok's lowercase hex one. (1.2) */
  acceptBase64urlChallenge: boolean
  /** Authorization code lifetime in ms; codes are single use. (1.3, UNCONFIRMED) */
  codeTtlMs: number
  /** Access token lifetime in seconds (`expires_in`). Current rule: 7200; legacy: 86400. (0, 1.4) */
  accessTokenTtlSec: number
  /** Refresh token lifetime in seconds (`refresh_expires_in`). Current: 15552000 (180 d); legacy: 31536000. */
  refreshTokenTtlSec: number
  /**
   * What a refresh does to the refresh token: `invalidate` returns a new one and the old one stops
   * working (current rule); `keep` returns a new one and the old one keeps working; `none` returns
   * the same token. (0, 1.4b)
   */
  refreshRotation: 'invalidate' | 'keep' | 'none'
  /** Whether a refresh restarts the refresh-token lifetime (false: absolute from first issuance). (1.4) */
  refreshExtendsExpiry: boolean
  /** Client access token (`clt.`) lifetime in seconds. (1.4c) */
  clientTokenTtlSec: number
  /** HTTP status of OAuth errors at /v2/oauth/token/ and /v2/oauth/revoke/: 200 or 400. (1.6) */
  oauthErrorHttpStatus: 200 | 400
  /** Send `authorization.removed` (reason 5) when the app revokes a token. (1.5, inferred) */
  revokeSendsWebhook: boolean

  // --- v2 envelope (docs/tiktok-api.md §2.1) ---
  /** Include `data: {}` in v2 error responses. (2.1: both occur) */
  includeEmptyDataOnError: boolean
  /** Error code for /v2/user/info/ fields whose scope was not granted. (2.1, ambiguous) */
  userInfoScopeErrorCode: 'scope_permission_missed' | 'scope_not_authorized'
  /** Error code for non-chunk validation errors on posting endpoints (chunk maths always uses `invalid_params`). (3.2) */
  postingInvalidParamCode: 'invalid_params' | 'invalid_param'

  // --- Metrics (docs/tiktok-api.md §2.5) ---
  /** Seed of the PRNG behind metrics growth; same seed + same virtual time = same numbers. */
  metricsSeed: number

  // --- Content posting policy (docs/tiktok-api.md §3.10, 3.3) ---
  /** Unaudited Direct Post client: private accounts only, posts forced to SELF_ONLY, active-user cap. */
  unauditedClient: boolean
  /** Distinct users that may Direct Post per 24 h for an unaudited client (`reached_active_user_cap`). */
  unauditedActiveUserCap: number
  /** Distinct users per 24 h for an audited client; null = unlimited. */
  activeUserCap: number | null
  /** Direct posts per creator per 24 h (`spam_risk_too_many_posts`). Docs: about 15. */
  dailyPostCap: number
  /** Inbox shares per creator (`spam_risk_too_many_pending_share`, 403). Docs: 5. */
  pendingShareCap: number
  /** `window24h`: count inbox inits in the last 24 h; `pending`: count drafts not yet posted or failed. */
  pendingShareCounting: 'window24h' | 'pending'

  // --- Upload and processing (docs/tiktok-api.md §3.5, 3.6, 3.8, 3.9) ---
  /** Lifetime of `upload_url` in ms (1 h). Expired URLs answer 403. */
  uploadUrlTtlMs: number
  /**
   * How the upload host's progress header (206, 201, 416) reads docs/tiktok-api.md §3.5's
   * `Content-Range: bytes 0-{UPLOADED_BYTES}/{TOTAL}`: `inclusive` (default) sends the last byte
   * held, `bytes 0-{uploaded-1}/{total}` — HTTP ranges are inclusive (RFC 9110 14.4) and 3.5 states
   * the request ranges are inclusive, so the placeholder is most likely loose wording;
   * `byte_count` sends the placeholder literally, `bytes 0-{uploaded}/{total}`; `none` sends no
   * header at all (a 416 the client cannot place).
   */
  uploadProgressRange: 'inclusive' | 'byte_count' | 'none'
  /** Delay in ms between the last byte (upload 201 / download end) and the processing verdict. */
  processingDelayMs: number
  /** Delay in ms between PUBLISH_COMPLETE of a public post and `publicaly_available_post_id`. */
  publiclyAvailableDelayMs: number
  /** Maximum PULL_FROM_URL download time in ms (1 h), else `video_pull_failed`. */
  pullTimeoutMs: number
  /** Maps a verified URL prefix to a local http base to download from (tests cannot serve https). */
  pullUrlRewrites: Record<string, string>

  // --- Webhooks (docs/tiktok-api.md §4) ---
  /** First retry delay in ms (virtual clock); doubles per attempt. */
  webhookRetryBaseDelayMs: number
  /** Upper bound of a single retry delay in ms. */
  webhookRetryMaxDelayMs: number
  /**
   * Maximum delivery attempts per event (first try included); null (default) = no count limit,
   * retries run until a 200 or the end of `webhookRetryWindowMs`, as TikTok does (4.1). With the
   * default delays that is 83 attempts over 72 h.
   */
  webhookMaxAttempts: number | null
  /** No attempt is scheduled later than this many ms after the event (virtual clock): 72 h (4.1). */
  webhookRetryWindowMs: number
  /** Per-attempt response timeout in ms. */
  webhookTimeoutMs: number
  /** Re-sign each retry with a fresh `t` (true) or resend the first signature (false). UNCONFIRMED (0). */
  webhookResignRetries: boolean
  /** How `post_id` appears inside `content` of `post.publish.publicly_available` (docs/tiktok-api.md §4.4: reported, not documented). */
  webhookPostIdAs: 'number' | 'string'

  // --- Rate limits (docs/tiktok-api.md §5) ---
  /** Per-endpoint limits per sliding window; `key` is `app` (client_key) or `token` (access token). */
  rateLimits: Record<string, { limit: number; key: 'app' | 'token' }>
  /** Sliding window length in ms (1 min). */
  rateLimitWindowMs: number

  // --- Faults ---
  /** How long a `timeout` fault holds a request open before dropping the connection, ms. */
  faultTimeoutHoldMs: number
}

/** Token lifetimes of the current "Manage user access tokens" page (docs/tiktok-api.md §0). */
export const CURRENT_TOKEN_RULES = {
  accessTokenTtlSec: 7200,
  refreshTokenTtlSec: 180 * 24 * 3600,
  refreshRotation: 'invalidate',
} as const satisfies Partial<SandboxSettings>

/** Token lifetimes of the older v2 page: 24 h / 365 days, "may rotate" (docs/tiktok-api.md §1.4). */
export const LEGACY_TOKEN_RULES = {
  accessTokenTtlSec: 86400,
  refreshTokenTtlSec: 365 * 24 * 3600,
  refreshRotation: 'none',
} as const satisfies Partial<SandboxSettings>

/** Default limits from docs/tiktok-api.md §5; endpoint names are the request-log names. */
export const DEFAULT_RATE_LIMITS: SandboxSettings['rateLimits'] = {
  'user.info': { limit: 600, key: 'app' },
  'video.list': { limit: 600, key: 'app' },
  'video.query': { limit: 600, key: 'app' },
  'video.init': { limit: 6, key: 'token' },
  'inbox.init': { limit: 6, key: 'token' },
  'content.init': { limit: 6, key: 'token' },
  creator_info: { limit: 20, key: 'token' },
  'status.fetch': { limit: 30, key: 'token' },
}

/** Returns a fresh copy of the defaults. */
export function defaultSettings(): SandboxSettings {
  return {
    pkce: 'optional',
    acceptBase64urlChallenge: false,
    codeTtlMs: 10 * 60_000,
    ...CURRENT_TOKEN_RULES,
    refreshExtendsExpiry: false,
    clientTokenTtlSec: 7200,
    oauthErrorHttpStatus: 400,
    revokeSendsWebhook: true,
    includeEmptyDataOnError: true,
    userInfoScopeErrorCode: 'scope_permission_missed',
    postingInvalidParamCode: 'invalid_params',
    metricsSeed: 42,
    unauditedClient: false,
    unauditedActiveUserCap: 5,
    activeUserCap: null,
    dailyPostCap: 15,
    pendingShareCap: 5,
    pendingShareCounting: 'window24h',
    uploadUrlTtlMs: 3600_000,
    uploadProgressRange: 'inclusive',
    processingDelayMs: 2000,
    publiclyAvailableDelayMs: 5000,
    pullTimeoutMs: 3600_000,
    pullUrlRewrites: {},
    webhookRetryBaseDelayMs: 1000,
    webhookRetryMaxDelayMs: 3600_000,
    webhookMaxAttempts: null,
    webhookRetryWindowMs: 72 * 3600_000,
    webhookTimeoutMs: 5000,
    webhookResignRetries: true,
    webhookPostIdAs: 'number',
    rateLimits: structuredClone(DEFAULT_RATE_LIMITS),
    rateLimitWindowMs: 60_000,
    faultTimeoutHoldMs: 120_000,
  }
}

/** Settings that are a number or null (null = no limit). */
const NULLABLE_NUMBERS = new Set(['activeUserCap', 'webhookMaxAttempts'])

/**
 * Applies a partial patch to `target` in place after checking every key exists and has the
 * default's JSON type. Throws `Error` naming the bad key (the CLI stops with it).
 * `rateLimits` and `pullUrlRewrites` are merged key by key.
 */
export function applySettings(target: SandboxSettings, patch: Partial<SandboxSettings>): SandboxSettings {
  const defaults = defaultSettings() as unknown as Record<string, unknown>
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in defaults)) throw new Error(`Unknown sandbox setting "${key}"`)
    if (NULLABLE_NUMBERS.has(key)) {
      if (value !== null && typeof value !== 'number')
        throw new Error(`Sandbox setting "${key}" must be a number or null`)
      continue
    }
    const expected = defaults[key]
    if (typeof value !== typeof expected) {
      throw new Error(`Sandbox setting "${key}" must be a ${typeof expected}`)
    }
  }
  const { rateLimits, pullUrlRewrites, ...rest } = patch
  Object.assign(target, rest)
  if (rateLimits) target.rateLimits = { ...target.rateLimits, ...rateLimits }
  if (pullUrlRewrites) target.pullUrlRewrites = { ...target.pullUrlRewrites, ...pullUrlRewrites }
  return target
}
