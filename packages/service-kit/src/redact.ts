/**
 * Scrubbing of secrets from anything that may reach a log line: TikTok access and refresh
 * tokens, client secrets, OAuth authorization codes and PKCE verifiers, bearer credentials and
 * cookies — wherever they appear (object keys at any depth, URL query strings, free text).
 */

export const REDACTED = '[REDACTED]'

/** Keys whose values are always secret, compared case-insensitively without `_`/`-`. */
const SECRET_KEYS = new Set(
  [
    'authorization',
    'proxy-authorization',
    'x-api-key',
    'cookie',
    'set-cookie',
    'access_token',
    'refresh_token',
    'client_secret',
    'code_verifier',
    'id_token',
    'token',
    'password',
    'secret',
    'x-internal-token',
    // TikTok Shop (docs/tiktok-shop-api.md §2–§3): the app secret and auth code of token URLs, the access-token header
    'app_secret',
    'auth_code',
    'x-tts-access-token',
  ].map(normalizeKey),
)

/**
 * Query/form parameters that are secret in a URL: the OAuth callback carries `code`; TikTok's
 * `upload_url` carries `upload_token`, a credential valid for 1 hour (docs/tiktok-api.md §3.2, 3.5).
 */
const SECRET_PARAMS = [
  'code',
  'access_token',
  'refresh_token',
  'client_secret',
  'code_verifier',
  'token',
  'upload_token',
  'app_secret',
  'auth_code',
]
/** Parameters secret enough to scrub as `name=value` / `"name":"value"` anywhere in free text. */
const SECRET_FIELDS_IN_TEXT = [
  'access_token',
  'refresh_token',
  'client_secret',
  'code_verifier',
  'upload_token',
  'app_secret',
  'auth_code',
]

/** TikTok token literals (`act.`, `rft.`, `clt.` prefixes, docs/tiktok-api.md §1.4) and bearer credentials in text. */
const TOKEN_IN_TEXT = /\b(?:act|rft|clt)\.[A-Za-z0-9._~*!%-]{8,}|\bBearer\s+[A-Za-z0-9._~+/=*!%-]+/g
const PARAM_IN_TEXT = new RegExp(`([?&](?:${SECRET_PARAMS.join('|')})=)[^&#\\s"']*`, 'gi')
const FIELD_IN_TEXT = new RegExp(
  `(\\b(?:${SECRET_FIELDS_IN_TEXT.join('|')})["']?\\s*[=:]\\s*["']?)[^&#\\s"',}]+`,
  'gi',
)

/**
 * Every text the three patterns above can match holds one of these, case-insensitively (each
 * secret parameter and field name holds `code`, `token` or `secret`): one cheap look first, so
 * the usual text (a path, a header, a message) is not scanned three times.
 */
const MAY_HOLD_SECRET = /code|token|secret|act\.|rft\.|clt\.|bearer/i

function normalizeKey(key: string): string {
  const lower = key.toLowerCase()
  return lower.includes('-') || lower.includes('_') ? lower.replace(/[-_]/g, '') : lower
}

/** True when `key` names a secret. `code` is secret except inside an error object, where it is an error code. */
function isSecretKey(key: string, parentKey: string | undefined): boolean {
  const k = normalizeKey(key)
  if (SECRET_KEYS.has(k) || k.endsWith('token') || k.endsWith('secret')) return true
  return k === 'code' && parentKey !== 'err' && parentKey !== 'error' && parentKey !== 'cause'
}

/**
 * Replaces secrets inside a string: secret query parameters (`?code=…`, `&upload_token=…`),
 * `access_token=…` / `"refresh_token":"…"`-style fields, and token literals (`act.…`, `Bearer …`).
 */
export function redactText(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text
  return text
    .replace(PARAM_IN_TEXT, `$1${REDACTED}`)
    .replace(FIELD_IN_TEXT, `$1${REDACTED}`)
    .replace(TOKEN_IN_TEXT, REDACTED)
}

/**
 * Returns a deep copy of `value` with secret keys replaced by `[REDACTED]` and secrets inside
 * strings scrubbed. Errors become plain objects (`type`, `message`, `stack`, `code`, own props).
 * Cycles and depth beyond 8 are cut.
 */
export function redactDeep(
  value: unknown,
  parentKey?: string,
  depth = 0,
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return redactText(value)
  if (value === null || typeof value !== 'object') return value
  if (seen.has(value) || depth > 8) return '[Circular or too deep]'
  seen.add(value)
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, parentKey, depth + 1, seen))
  const source: Record<string, unknown> =
    value instanceof Error
      ? { ...value, type: value.name, message: value.message, stack: value.stack }
      : (value as Record<string, unknown>)
  if (value instanceof Error && 'cause' in value) source.cause = value.cause
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(source)) {
    const v = source[key]
    out[key] = isSecretKey(key, parentKey) && v != null ? REDACTED : redactDeep(v, key, depth + 1, seen)
  }
  return out
}
