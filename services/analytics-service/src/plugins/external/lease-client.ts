import type {
  InternalConnection,
  InternalConnectionList,
  TokenLease,
  TokenLeaseRequest,
} from '@social-bridge/contracts'
import { INTERNAL_TOKEN_HEADER, type InternalTokenSigner } from '@social-bridge/service-kit'
import { Agent, request } from 'undici'

/** Why a lease was refused: the account cannot be synced (`REAUTH_REQUIRED`, `CONNECTION_NOT_ACTIVE`, `NOT_FOUND`) or auth-service is down (`UNAVAILABLE`). */
export type LeaseErrorCode = 'REAUTH_REQUIRED' | 'CONNECTION_NOT_ACTIVE' | 'NOT_FOUND' | 'UNAVAILABLE'

/** A refused lease. The message never holds a token. */
export class LeaseError extends Error {
  override name = 'LeaseError'
  constructor(
    readonly code: LeaseErrorCode,
    message: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
  /** True when the account itself is unusable (mark it stale), false when retrying later may work. */
  get accountUnusable(): boolean {
    return this.code !== 'UNAVAILABLE'
  }
}

/** auth-service's internal API as analytics-service uses it (contracts `rest/internal.ts`). */
export interface LeaseClient {
  /**
   * `POST {AUTH_SERVICE_URL}/internal/connections/:id/lease`: a valid access token at the moment
   * of use; `forceRefresh` after TikTok said `access_token_invalid`. Never store or log the token.
   * @throws LeaseError `REAUTH_REQUIRED`/`CONNECTION_NOT_ACTIVE` (409), `NOT_FOUND` (404),
   *   `UNAVAILABLE` (503, other statuses, timeouts, connection errors).
   */
  lease(connectionId: string, body?: TokenLeaseRequest): Promise<TokenLease>
  /**
   * `GET {AUTH_SERVICE_URL}/internal/connections?status=active`, every page (no tokens).
   * @throws LeaseError `UNAVAILABLE` when a page cannot be read.
   */
  listActiveConnections(): Promise<InternalConnection[]>
  close(): Promise<void>
}

/** Options of {@link createLeaseClient}. `timeoutMs` bounds each call (default 10 s). */
export interface LeaseClientOptions {
  baseUrl: string
  signer: InternalTokenSigner
  service?: string
  timeoutMs?: number
}

/** Creates the auth-service client on one keep-alive undici Agent, calling as `analytics-service`. */
export function createLeaseClient(opts: LeaseClientOptions): LeaseClient {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 16 })
  const service = opts.service ?? 'analytics-service'
  const timeoutMs = opts.timeoutMs ?? 10_000

  async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
    const headers: Record<string, string> = {
      [INTERNAL_TOKEN_HEADER]: await opts.signer.forService(service),
      accept: 'application/json',
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    try {
      const res = await request(new URL(path, opts.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      const text = await res.body.text()
      return { status: res.statusCode, json: text ? (JSON.parse(text) as unknown) : undefined }
    } catch (err) {
      throw new LeaseError('UNAVAILABLE', `auth-service ${method} ${path.split('?')[0]} failed`, undefined, {
        cause: err,
      })
    }
  }

  return {
    async lease(connectionId, body = {}) {
      const path = `/internal/connections/${encodeURIComponent(connectionId)}/lease`
      const res = await call('POST', path, body)
      if (res.status === 200) return res.json as TokenLease
      const code = (res.json as { error?: { code?: string } } | undefined)?.error?.code
      if (res.status === 409 && (code === 'REAUTH_REQUIRED' || code === 'CONNECTION_NOT_ACTIVE')) {
        throw new LeaseError(code, `connection ${connectionId} cannot be leased: ${code}`, 409)
      }
      if (res.status === 404) throw new LeaseError('NOT_FOUND', `connection ${connectionId} not found`, 404)
      throw new LeaseError(
        'UNAVAILABLE',
        `lease of ${connectionId} answered ${res.status} ${code ?? ''}`,
        res.status,
      )
    },

    async listActiveConnections() {
      const out: InternalConnection[] = []
      let cursor: string | null = null
      do {
        const qs = new URLSearchParams({ status: 'active', limit: '100' })
        if (cursor) qs.set('cursor', cursor)
        const res = await call('GET', `/internal/connections?${qs}`)
        if (res.status !== 200) {
          throw new LeaseError('UNAVAILABLE', `connection list answered ${res.status}`, res.status)
        }
        const page = res.json as InternalConnectionList
        out.push(...page.items)
        cursor = page.nextCursor
      } while (cursor)
      return out
    },

    close: () => dispatcher.close(),
  }
}
