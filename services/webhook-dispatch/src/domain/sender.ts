import { Agent, request } from 'undici'
import type { SignedHeaders } from './signature.js'
import { type UrlGuard, UrlRefusedError } from './url-guard.js'

/** The most of a receiver's answer kept in the attempt log, in bytes. */
export const RESPONSE_BODY_LOG_BYTES = 1024

/** The outcome of one delivery attempt. */
export interface SendResult {
  /** A 2xx within the timeout. */
  ok: boolean
  /** The receiver's status, or null when no answer came. */
  httpStatus: number | null
  /** Why it failed (`timeout`, `redirect not followed`, a connection error, `url refused: …`), null on 2xx. */
  error: string | null
  /** The start of the answer (≤ {@link RESPONSE_BODY_LOG_BYTES} bytes, UTF-8), or null. */
  responseBody: string | null
  durationMs: number
}

/** POSTs signed deliveries (docs/webhooks-to-the-crm.md "Delivery"). */
export interface Sender {
  send(url: string, body: string, headers: SignedHeaders): Promise<SendResult>
  /** Cuts the attempts in flight (they end with an error) and closes the connections. */
  destroy(): Promise<void>
}

/** The first `max` bytes of a body stream, as text; the rest is discarded unread. */
async function head(body: AsyncIterable<Buffer> & { destroy(): void }, max: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    chunks.push(chunk)
    size += chunk.length
    if (size >= max) break
  }
  body.destroy()
  return Buffer.concat(chunks).subarray(0, max).toString('utf8')
}

/**
 * An undici sender: every URL passes the guard before the attempt and every connection's
 * addresses at connect time; redirects are not followed (a 3xx is a failure); the whole attempt
 * (connect, headers, body) must end within `timeoutMs`. `connections`: most sockets per origin
 * (DELIVERY_ENDPOINT_CONCURRENCY).
 */
export function createSender(opts: { guard: UrlGuard; timeoutMs: number; connections?: number }): Sender {
  const agent = new Agent({
    connections: opts.connections ?? 16,
    connect: { lookup: opts.guard.lookup, timeout: opts.timeoutMs },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
  })
  return {
    async send(url, body, headers) {
      const started = performance.now()
      const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({
        ...r,
        durationMs: Math.round(performance.now() - started),
      })
      try {
        await opts.guard.check(url)
        const res = await request(url, {
          method: 'POST',
          dispatcher: agent,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'social-bridge-webhooks/1',
            ...headers,
          },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs),
        })
        const text = await head(res.body as never, RESPONSE_BODY_LOG_BYTES)
        const status = res.statusCode
        const ok = status >= 200 && status < 300
        const error = ok ? null : status >= 300 && status < 400 ? 'redirect not followed' : `HTTP ${status}`
        return done({ ok, httpStatus: status, error, responseBody: text || null })
      } catch (err) {
        const e = err as Error & { code?: string; cause?: Error & { code?: string } }
        const refused = e instanceof UrlRefusedError || e.cause instanceof UrlRefusedError
        const error = refused
          ? `url refused: ${(e instanceof UrlRefusedError ? e : (e.cause as Error)).message}`
          : e.name === 'TimeoutError' || e.name === 'AbortError' || /timeout/i.test(e.code ?? '')
            ? 'timeout'
            : (e.cause?.code ?? e.code ?? e.message)
        return done({ ok: false, httpStatus: null, error, responseBody: null })
      }
    },
    destroy: () => agent.destroy(),
  }
}
