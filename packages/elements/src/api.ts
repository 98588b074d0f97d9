import type {
  Connection,
  ConnectionAnalytics,
  ConnectionDetail,
  CreatePostRequest,
  CreatorInfo,
  Media,
  Post,
  PostAnalytics,
  PostList,
  SyncAccepted,
} from '@social-bridge/contracts'

/** Returns the CRM's JWT for the current user (called before every request, so it may refresh it). */
export type TokenProvider = () => string | Promise<string>

/**
 * An error answer of the gateway, in the shared error shape
 * `{ error: { code, message, details? }, requestId }` (README "The API"); `status` 0 when the
 * gateway could not be reached. `retryAfterSec` from `Retry-After` or `details.retryAfterSec`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly retryAfterSec?: number,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Upload progress: bytes sent so far, the total, and the mean rate since the start, bytes/s. */
export interface UploadProgress {
  sentBytes: number
  totalBytes: number
  bytesPerSec: number
}

function retryAfter(header: string | null, details?: Record<string, unknown>): number | undefined {
  const fromDetails = details?.retryAfterSec
  if (typeof fromDetails === 'number') return fromDetails
  const n = header === null ? Number.NaN : Number(header)
  return Number.isFinite(n) ? n : undefined
}

function toApiError(status: number, body: unknown, retryHeader: string | null): ApiError {
  const e = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
    ?.error
  return new ApiError(
    status,
    e?.code ?? `HTTP_${status}`,
    e?.message ?? `The gateway answered ${status}`,
    e?.details,
    retryAfter(retryHeader, e?.details),
  )
}

/**
 * The `/v1` client the elements share: every call carries `Authorization: Bearer <getToken()>`
 * and answers the parsed JSON, or throws `ApiError`. `baseUrl` is the gateway's origin (e.g.
 * `https://bridge.example.com`), without `/v1`.
 */
export class BridgeApi {
  constructor(
    readonly baseUrl: string,
    readonly getToken: TokenProvider,
  ) {}

  /** `${baseUrl}/v1${path}`. */
  url(path: string): string {
    return `${this.baseUrl.replace(/\/$/, '')}/v1${path}`
  }

  /** One JSON call; `credentials: 'include'` so the OAuth state cookie is kept (README "Connecting an account"). */
  async request<T>(
    method: string,
    path: string,
    opts: { json?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await this.getToken()}`,
      ...opts.headers,
    }
    if (opts.json !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await fetch(this.url(path), {
        method,
        headers,
        credentials: 'include',
        ...(opts.json === undefined ? {} : { body: JSON.stringify(opts.json) }),
      })
    } catch (err) {
      throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err))
    }
    const body = res.status === 204 ? undefined : await res.json().catch(() => undefined)
    if (!res.ok) throw toApiError(res.status, body, res.headers.get('retry-after'))
    return body as T
  }

  connections = () => this.request<{ items: Connection[] }>('GET', '/connections').then((b) => b.items)
  connection = (id: string) => this.request<ConnectionDetail>('GET', `/connections/${id}`)
  creatorInfo = (id: string) => this.request<CreatorInfo>('GET', `/connections/${id}/creator-info`)
  disconnect = (id: string) => this.request<Connection>('DELETE', `/connections/${id}`)
  /** TikTok's authorize URL; sets the state cookie in this browser. */
  authorizeUrl = (returnUrl: string) =>
    this.request<{ authorizeUrl: string }>(
      'GET',
      `/connections/tiktok/authorize?returnUrl=${encodeURIComponent(returnUrl)}`,
    ).then((b) => b.authorizeUrl)
  createPost = (body: CreatePostRequest) =>
    this.request<Post>('POST', '/posts', { json: body, headers: { 'idempotency-key': crypto.randomUUID() } })
  post = (id: string) => this.request<Post>('GET', `/posts/${id}`)
  posts = (query = 'limit=20') => this.request<PostList>('GET', `/posts?${query}`)
  postAnalytics = (id: string) => this.request<PostAnalytics>('GET', `/analytics/posts/${id}`)
  connectionAnalytics = (id: string) =>
    this.request<ConnectionAnalytics>('GET', `/analytics/connections/${id}`)
  sync = (id: string) => this.request<SyncAccepted>('POST', `/analytics/connections/${id}/sync`)

  /**
   * `POST /v1/media` with the file as the raw body (its type as `Content-Type`; the browser sets
   * `Content-Length`). XMLHttpRequest rather than fetch: only it reports upload progress.
   * Resolves the stored `Media`; rejects with `ApiError` (e.g. 413, 415, 422).
   */
  async uploadMedia(
    file: Blob,
    onProgress: (p: UploadProgress) => void,
    signal?: AbortSignal,
  ): Promise<Media> {
    const token = await this.getToken()
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest()
      const started = performance.now()
      xhr.open('POST', this.url('/media'))
      xhr.setRequestHeader('authorization', `Bearer ${token}`)
      xhr.setRequestHeader('content-type', file.type || 'video/mp4')
      xhr.responseType = 'json'
      xhr.upload.onprogress = (e) => {
        const sec = Math.max((performance.now() - started) / 1000, 0.001)
        onProgress({ sentBytes: e.loaded, totalBytes: e.total || file.size, bytesPerSec: e.loaded / sec })
      }
      xhr.onload = () =>
        xhr.status >= 200 && xhr.status < 300
          ? resolve(xhr.response as Media)
          : reject(toApiError(xhr.status, xhr.response, xhr.getResponseHeader('retry-after')))
      xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload could not reach the gateway'))
      xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'The upload was cancelled'))
      signal?.addEventListener('abort', () => xhr.abort())
      xhr.send(file)
    })
  }
}
