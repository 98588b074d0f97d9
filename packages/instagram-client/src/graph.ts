/**
 * The one request helper of the Instagram client: every call to graph.instagram.com (and the code
 * exchange on api.instagram.com) goes through {@link GraphHttp.request} — a pooled keep-alive undici
 * `Agent`, a deadline, JSON read without losing 64-bit ids, the error envelopes turned into
 * {@link InstagramGraphError}, and the usage headers parsed into {@link GraphUsage}
 * (docs/instagram-api.md "Errors", "Rate limits").
 */
import { isInteger, isSafeNumber, parse } from 'lossless-json'
import { Agent, type Dispatcher, request } from 'undici'
import { InstagramGraphError, redactGraphSecrets } from './errors.js'
import { type GraphUsage, parseUsage } from './usage.js'

/** Default Graph host of Business Login for Instagram (no version: the app's default version). */
export const GRAPH_BASE_URL = 'https://graph.instagram.com'

/** Options of {@link createGraphHttp}. */
export interface GraphHttpOptions {
  /** Graph base URL, default {@link GRAPH_BASE_URL}; may end in a version, e.g. `…/v23.0`; the sandbox's `…/instagram/graph`. */
  graphBaseUrl?: string | undefined
  /** Deadline of one call, ms (default 10 000). */
  timeoutMs?: number | undefined
  /** Max sockets per origin (default 16). */
  connections?: number | undefined
  /** Used as is and not closed (tests, proxies). */
  dispatcher?: Dispatcher | undefined
  /** Values scrubbed from every error message (the app secret). */
  secrets?: readonly (string | undefined)[] | undefined
}

/** A query or form value; `undefined` entries are left out. */
export type GraphParam = string | number | boolean | undefined

/** One Graph call. */
export interface GraphCall {
  /** Default `GET`. */
  method?: 'GET' | 'POST' | 'DELETE'
  /** Path under the base URL, e.g. `/me` or `/17841400000000000/media`. */
  path: string
  /** Another base URL for this call (e.g. `https://api.instagram.com` for the code exchange). */
  baseUrl?: string | undefined
  query?: Record<string, GraphParam> | undefined
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, GraphParam> | undefined
  /** Sent as the `access_token` query parameter (as Meta's examples do) and scrubbed from errors. */
  accessToken?: string | undefined
  /** More values to scrub from error messages (authorization code, client secret). */
  secrets?: readonly (string | undefined)[] | undefined
}

/** A 2xx answer: the JSON body and the parsed usage headers. */
export interface GraphResponse<T = Record<string, unknown>> {
  status: number
  body: T
  usage: GraphUsage
}

/** The client's HTTP layer. */
export interface GraphHttp {
  /**
   * Sends the call and reads the JSON answer.
   * @throws InstagramGraphError — `graph_error` for an error envelope or a non-2xx status (with
   *   `code`, `subcode`, `category`, `usage`), `timeout` / `connection_error` (retryable),
   *   `invalid_response` when a 2xx body is not a JSON object. No message holds a secret.
   */
  request<T = Record<string, unknown>>(call: GraphCall): Promise<GraphResponse<T>>
  /** The Graph base URL in use (no trailing slash). */
  readonly graphBaseUrl: string
  close(): Promise<void>
}

/** Integers above 2^53 (Instagram ids) stay strings instead of rounding. */
const parseNumber = (v: string): number | string => (isInteger(v) && !isSafeNumber(v) ? v : Number(v))

const trim = (u: string) => u.replace(/\/+$/, '')

function params(values: Record<string, GraphParam> | undefined): URLSearchParams {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(values ?? {})) if (v !== undefined) p.set(k, String(v))
  return p
}

const int = (v: unknown) =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined
const text = (v: unknown) => (typeof v === 'string' ? v : undefined)

/** Builds the HTTP layer. Close it to free its sockets (unless a dispatcher was given). */
export function createGraphHttp(opts: GraphHttpOptions = {}): GraphHttp {
  const graphBaseUrl = trim(opts.graphBaseUrl ?? GRAPH_BASE_URL)
  const timeoutMs = opts.timeoutMs ?? 10_000
  const owned = opts.dispatcher === undefined
  const dispatcher =
    opts.dispatcher ?? new Agent({ connections: opts.connections ?? 16, keepAliveTimeout: 10_000 })

  return {
    graphBaseUrl,
    async request<T>(call: GraphCall): Promise<GraphResponse<T>> {
      const secrets = [...(opts.secrets ?? []), call.accessToken, ...(call.secrets ?? [])]
      const query = params(call.query)
      if (call.accessToken !== undefined) query.set('access_token', call.accessToken)
      const url = new URL(`${trim(call.baseUrl ?? graphBaseUrl)}${call.path}`)
      const qs = query.toString()
      if (qs) url.search = qs
      const body = call.form ? params(call.form).toString() : undefined
      let res: Awaited<ReturnType<typeof request>>
      let raw: string
      try {
        res = await request(url, {
          method: call.method ?? 'GET',
          headers: body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
          body,
          dispatcher,
          signal: AbortSignal.timeout(timeoutMs),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        })
        raw = await res.body.text()
      } catch (err) {
        // undici's error may hold the URL (with the token): keep it off the message and out of `cause`.
        const e = err as { name?: string; code?: string }
        const timeout =
          e?.name === 'TimeoutError' || e?.name === 'AbortError' || /TIMEOUT/.test(e?.code ?? '')
        throw timeout
          ? new InstagramGraphError('timeout', `Instagram call timed out after ${timeoutMs} ms`)
          : new InstagramGraphError(
              'connection_error',
              `connection to Instagram failed (${e?.code ?? 'error'})`,
            )
      }
      const status = res.statusCode
      const usage = parseUsage(res.headers)
      let parsed: unknown
      try {
        parsed = parse(raw, null, parseNumber)
      } catch {
        parsed = undefined
      }
      const obj =
        parsed && typeof parsed === 'object' && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : undefined
      const graphError =
        obj?.error && typeof obj.error === 'object' ? (obj.error as Record<string, unknown>) : undefined
      // api.instagram.com's own shape: {error_type, code, error_message}
      const flat = obj && typeof obj.error_type === 'string' ? obj : undefined
      if (graphError || flat || status < 200 || status > 299) {
        const e = graphError ?? flat ?? {}
        const code = int(e.code)
        const message = redactGraphSecrets(text(e.message) ?? text(e.error_message) ?? '', secrets)
        const type = text(e.type) ?? text(e.error_type)
        throw new InstagramGraphError(
          graphError || flat ? 'graph_error' : 'invalid_response',
          graphError || flat
            ? `Instagram error ${code ?? '?'}${e.error_subcode === undefined ? '' : `/${e.error_subcode}`}: ${message}`
            : `Instagram answered HTTP ${status} without an error envelope`,
          {
            code,
            subcode: int(e.error_subcode),
            type,
            fbtraceId: text(e.fbtrace_id),
            isTransient: e.is_transient === true,
            httpStatus: status,
            usage,
          },
        )
      }
      if (!obj) {
        throw new InstagramGraphError(
          'invalid_response',
          `Instagram answered HTTP ${status} without a JSON object`,
          {
            httpStatus: status,
            usage,
            category: 'failed',
          },
        )
      }
      return { status, body: obj as T, usage }
    },
    async close() {
      if (owned) await dispatcher.close()
    },
  }
}
