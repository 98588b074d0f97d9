import type { Readable } from 'node:stream'
import { Agent, type Dispatcher, request } from 'undici'
import { TikTokConnectionError, TikTokError, TikTokTimeoutError } from './errors.js'
import { endpointLabel, tiktokClientMetrics } from './metrics.js'

/** Settings of the shared HTTP layer; built once per client by {@link createHttp}. */
export interface HttpOptions {
  /** Default timeout of one call (request sent → whole body received), in ms. */
  timeoutMs: number
  /** Idle keep-alive sockets are kept this long, in ms. */
  keepAliveTimeoutMs: number
  /** Max sockets per origin. */
  connections: number
  /** Use this dispatcher instead of creating an `Agent` (it is then not closed by `close()`). */
  dispatcher?: Dispatcher | undefined
}

/** One HTTP request. `secrets` are scrubbed from any error message built from it. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT'
  url: string | URL
  headers?: Record<string, string>
  body?: string | Buffer | Readable | undefined
  /** Overrides {@link HttpOptions.timeoutMs} for this call, in ms. */
  timeoutMs?: number | undefined
  /** Caller's cancellation; aborting rejects with the signal's reason. */
  signal?: AbortSignal | undefined
}

/** A fully read response. */
export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/** The client's HTTP layer: one pooled keep-alive undici `Agent`, a deadline on every call. */
export interface Http {
  send(req: HttpRequest): Promise<HttpResponse>
  close(): Promise<void>
}

/**
 * Creates the HTTP layer. Every call gets a deadline (`AbortSignal.timeout`) that covers sending
 * the body and reading the whole response; failures become {@link TikTokTimeoutError} or
 * {@link TikTokConnectionError} (both `retryable`). Each call is counted and timed
 * (`tiktokClientMetrics`: endpoint template, status, latency).
 */
export function createHttp(options: HttpOptions): Http {
  const owned = options.dispatcher === undefined
  const dispatcher =
    options.dispatcher ??
    new Agent({
      keepAliveTimeout: options.keepAliveTimeoutMs,
      keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs, 60_000),
      connections: options.connections,
    })

  async function send(req: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = req.timeoutMs ?? options.timeoutMs
    const deadline = AbortSignal.timeout(timeoutMs)
    const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline
    const endpoint = endpointLabel(req.method, req.url)
    const stopTimer = tiktokClientMetrics.duration.startTimer({ endpoint })
    let status = 'error'
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      const text = await res.body.text()
      status = String(res.statusCode)
      return { status: res.statusCode, headers: res.headers, text }
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason
      throw toTransportError(err, timeoutMs)
    } finally {
      stopTimer()
      tiktokClientMetrics.requests.inc({ endpoint, status })
    }
  }

  return {
    send,
    async close() {
      if (owned) await dispatcher.close()
    },
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'])

/** Maps an undici/Node error to a client error; keeps the original as `cause`. */
export function toTransportError(err: unknown, timeoutMs: number): TikTokError {
  if (err instanceof TikTokError) return err
  const e = err as { name?: string; code?: string } | undefined
  if (e?.name === 'TimeoutError' || (e?.code !== undefined && TIMEOUT_CODES.has(e.code))) {
    return new TikTokTimeoutError(`TikTok call timed out after ${timeoutMs} ms`, { cause: err })
  }
  if (e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED') {
    return new TikTokTimeoutError(`TikTok call aborted after ${timeoutMs} ms`, { cause: err })
  }
  const code = e?.code ? ` (${e.code})` : ''
  return new TikTokConnectionError(`connection to TikTok failed${code}`, { cause: err })
}

/** First value of a response header (undici may return arrays). */
export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}
