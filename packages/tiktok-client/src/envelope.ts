import { redactSecrets, TikTokApiError, TikTokInvalidResponseError } from './errors.js'
import type { Http } from './http.js'
import { isJsonObject, type JsonObject, optString, parseJson } from './json.js'

/** What the v2 call helpers need from the client. */
export interface ApiContext {
  http: Http
  /** e.g. `https://open.tiktokapis.com` (no trailing slash needed). */
  apiBaseUrl: string
  /** Backoff advice attached to `rate_limited` errors, in ms. */
  rateLimitBackoffMs: number
  /** Known secrets scrubbed from error messages. */
  secrets: readonly string[]
}

/** One call to a v2 JSON endpoint (Display §2, Content Posting §3). */
export interface ApiCall {
  method: 'GET' | 'POST'
  /** v2 path with its trailing slash, e.g. `/v2/user/info/`. */
  path: string
  query?: Record<string, string>
  accessToken: string
  /** JSON body; `undefined` sends an empty body (creator_info/query, §3.1). */
  body?: unknown
  timeoutMs?: number | undefined
}

/**
 * Sends a v2 call with `Authorization: Bearer <access_token>` and returns the envelope's `data`
 * (`{}` when absent). Success is `error.code == "ok"` (or numeric `0`); the envelope is parsed
 * whatever the HTTP status, with or without `data: {}` (docs/tiktok-api.md §2.1). Big integers stay
 * strings (§0).
 *
 * @throws TikTokApiError carrying `error.code`, `log_id`, HTTP status and category.
 * @throws TikTokInvalidResponseError when a 2xx body is not a JSON object.
 * @throws TikTokTimeoutError / TikTokConnectionError on transport failure.
 */
export async function callApi(ctx: ApiContext, call: ApiCall): Promise<JsonObject> {
  const url = new URL(call.path, ctx.apiBaseUrl)
  for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v)
  const headers: Record<string, string> = { authorization: `Bearer ${call.accessToken}` }
  if (call.method === 'POST') headers['content-type'] = 'application/json; charset=UTF-8'
  const res = await ctx.http.send({
    method: call.method,
    url,
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    timeoutMs: call.timeoutMs,
  })
  const secrets = [...ctx.secrets, call.accessToken]
  let parsed: unknown
  try {
    parsed = parseJson(res.text)
  } catch {
    parsed = undefined
  }
  const error = isJsonObject(parsed) && isJsonObject(parsed.error) ? parsed.error : undefined
  const code = error?.code
  const ok = code === 'ok' || code === 0 || code === '0'
  if (ok && res.status < 400 && isJsonObject(parsed)) {
    return isJsonObject(parsed.data) ? parsed.data : {}
  }
  if (error === undefined && res.status < 400) {
    if (isJsonObject(parsed)) return isJsonObject(parsed.data) ? parsed.data : {}
    throw new TikTokInvalidResponseError(`${call.path} answered HTTP ${res.status} without a JSON envelope`, {
      httpStatus: res.status,
    })
  }
  const tiktokCode = code === undefined || ok ? undefined : String(code)
  const message = error ? optString(error, 'message') : undefined
  const logId = error ? optString(error, 'log_id') : undefined
  const text = `${call.path} failed: HTTP ${res.status}${tiktokCode ? ` ${tiktokCode}` : ''}${message ? ` — ${message}` : ''}`
  throw new TikTokApiError(redactSecrets(text, secrets), {
    tiktokCode,
    logId,
    httpStatus: res.status,
    retryAfterMs:
      res.status === 429 || tiktokCode === 'rate_limit_exceeded' ? ctx.rateLimitBackoffMs : undefined,
  })
}
