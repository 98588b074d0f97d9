import { isInteger, isSafeNumber, parse } from 'lossless-json'
import { Agent, type Dispatcher, request } from 'undici'
import { redactShopSecrets, TikTokShopError } from './errors.js'

/** A parsed `{code, message, request_id, data}` answer (docs/tiktok-shop-api.md §2). */
export interface ShopEnvelope {
  code: number
  message: string
  requestId: string | undefined
  data: Record<string, unknown>
}

/** One GET to a TikTok Shop host. */
export interface ShopGet {
  url: URL
  headers?: Record<string, string>
  /** Values to scrub from any error message built from this call (secrets in the URL or headers). */
  secrets: readonly (string | undefined)[]
}

/** The client's HTTP layer: a pooled keep-alive undici `Agent` and a deadline on every call. */
export interface ShopHttp {
  /**
   * Sends the GET and reads the envelope.
   * @throws TikTokShopError: `TIKTOK_SHOP_API_ERROR` when `code` ≠ 0 (or the status is not 2xx),
   *   `TIKTOK_SHOP_TIMEOUT` / `TIKTOK_SHOP_CONNECTION_ERROR` (retryable),
   *   `TIKTOK_SHOP_INVALID_RESPONSE` when the body is not the envelope. No message holds a secret.
   */
  get(req: ShopGet): Promise<ShopEnvelope>
  close(): Promise<void>
}

/** Integers above 2^53 (19-digit shop ids) stay strings instead of rounding. */
const parseNumber = (v: string): number | string => (isInteger(v) && !isSafeNumber(v) ? v : Number(v))

/** Builds the HTTP layer. `dispatcher`, when given, is used and not closed. */
export function createShopHttp(opts: {
  timeoutMs: number
  connections: number
  dispatcher?: Dispatcher | undefined
}): ShopHttp {
  const owned = opts.dispatcher === undefined
  const dispatcher = opts.dispatcher ?? new Agent({ connections: opts.connections, keepAliveTimeout: 10_000 })

  async function send(req: ShopGet) {
    try {
      const res = await request(req.url, {
        method: 'GET',
        headers: { 'content-type': 'application/json', ...req.headers },
        dispatcher,
        signal: AbortSignal.timeout(opts.timeoutMs),
        headersTimeout: opts.timeoutMs,
        bodyTimeout: opts.timeoutMs,
      })
      return { status: res.statusCode, text: await res.body.text() }
    } catch (err) {
      // The cause may hold the URL (with the app secret): keep it off the message; toJSON drops it.
      const e = err as { name?: string; code?: string }
      const timeout = e?.name === 'TimeoutError' || e?.name === 'AbortError' || /TIMEOUT/.test(e?.code ?? '')
      throw timeout
        ? new TikTokShopError(
            'TIKTOK_SHOP_TIMEOUT',
            `TikTok Shop call timed out after ${opts.timeoutMs} ms`,
            {
              category: 'retryable',
            },
          )
        : new TikTokShopError(
            'TIKTOK_SHOP_CONNECTION_ERROR',
            `connection to TikTok Shop failed (${e?.code ?? 'error'})`,
            {
              category: 'retryable',
            },
          )
    }
  }

  return {
    async get(req) {
      const { status, text } = await send(req)
      let body: unknown
      try {
        body = parse(text, null, parseNumber)
      } catch {
        body = undefined
      }
      const env = body as Record<string, unknown> | undefined
      if (!env || typeof env !== 'object' || typeof env.code !== 'number') {
        throw new TikTokShopError(
          'TIKTOK_SHOP_INVALID_RESPONSE',
          `TikTok Shop answered HTTP ${status} without an envelope`,
          {
            httpStatus: status,
            ...(status >= 500 || status === 429 ? {} : { category: 'permanent' as const }),
          },
        )
      }
      const requestId = typeof env.request_id === 'string' ? env.request_id : undefined
      const message = redactShopSecrets(typeof env.message === 'string' ? env.message : '', req.secrets)
      if (env.code !== 0 || status < 200 || status > 299) {
        throw new TikTokShopError('TIKTOK_SHOP_API_ERROR', `TikTok Shop error ${env.code}: ${message}`, {
          shopCode: env.code,
          requestId,
          httpStatus: status,
        })
      }
      const data = env.data && typeof env.data === 'object' ? (env.data as Record<string, unknown>) : {}
      return { code: 0, message, requestId, data }
    },
    async close() {
      if (owned) await dispatcher.close()
    },
  }
}
