import type { Dispatcher } from 'undici'
import { createDisplayApi, type DisplayApi } from './display.js'
import { DEFAULT_RATE_LIMIT_BACKOFF_MS } from './errors.js'
import { createHttp } from './http.js'
import { createOAuthApi, type OAuthApi } from './oauth.js'
import { createPostingApi, type PostingApi } from './posting.js'
import { createTransferApi, type TransferApi } from './transfer.js'

/** Options of {@link createTikTokClient}. Only `clientKey` and `clientSecret` are required. */
export interface TikTokClientOptions {
  /** The app's `client_key` (not `client_id`). */
  clientKey: string
  /** The app's `client_secret`: sent in token/revoke bodies, never logged or put in errors. */
  clientSecret: string
  /** Default `redirect_uri` for authorize and code exchange. */
  redirectUri?: string
  /** Browser authorization host. Default `https://www.tiktok.com`; the sandbox's `url` in tests. */
  authBaseUrl?: string
  /** Server API host. Default `https://open.tiktokapis.com`; the sandbox's `url` in tests. */
  apiBaseUrl?: string
  /** Timeout of each OAuth/Display/Posting call, in ms. Default 15,000. */
  timeoutMs?: number
  /** Timeout of each chunk PUT, in ms. Default 300,000. */
  uploadTimeoutMs?: number
  /** Backoff advice put on `rate_limited` errors, in ms. Default 60,000. */
  rateLimitBackoffMs?: number
  /** Idle keep-alive socket lifetime, in ms. Default 30,000. */
  keepAliveTimeoutMs?: number
  /** Max sockets per origin. Default 16. */
  connections?: number
  /** Bring your own undici dispatcher (not closed by `close()`). */
  dispatcher?: Dispatcher
}

/** The TikTok client: the only code that speaks TikTok's wire format (docs/tiktok-api.md §1–§3). */
export interface TikTokClient {
  oauth: OAuthApi
  display: DisplayApi
  posting: PostingApi
  transfer: TransferApi
  /** Closes the pooled keep-alive connections. */
  close(): Promise<void>
}

/**
 * Creates a client with one pooled keep-alive undici `Agent` shared by every call.
 * Point `authBaseUrl`/`apiBaseUrl` at the sandbox to test; upload URLs are used as returned.
 */
export function createTikTokClient(options: TikTokClientOptions): TikTokClient {
  const http = createHttp({
    timeoutMs: options.timeoutMs ?? 15_000,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 30_000,
    connections: options.connections ?? 16,
    dispatcher: options.dispatcher,
  })
  const apiBaseUrl = options.apiBaseUrl ?? 'https://open.tiktokapis.com'
  const rateLimitBackoffMs = options.rateLimitBackoffMs ?? DEFAULT_RATE_LIMIT_BACKOFF_MS
  const api = { http, apiBaseUrl, rateLimitBackoffMs, secrets: [options.clientSecret] }
  return {
    oauth: createOAuthApi({
      http,
      clientKey: options.clientKey,
      clientSecret: options.clientSecret,
      authBaseUrl: options.authBaseUrl ?? 'https://www.tiktok.com',
      apiBaseUrl,
      redirectUri: options.redirectUri,
      rateLimitBackoffMs,
    }),
    display: createDisplayApi(api),
    posting: createPostingApi(api),
    transfer: createTransferApi({ http, uploadTimeoutMs: options.uploadTimeoutMs ?? 300_000 }),
    close: () => http.close(),
  }
}
