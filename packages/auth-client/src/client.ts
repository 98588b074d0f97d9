import {
  type AccessTokenRequest,
  accessTokenPath,
  ConnectionAccessToken,
  ErrorCodes,
  type InternalConnection,
  InternalConnectionList,
} from '@social-bridge/contracts'
import { createInternalTokenSigner, INTERNAL_TOKEN_HEADER } from '@social-bridge/service-kit'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { Agent, request } from 'undici'
import { AuthClientError } from './errors.js'
import { retryAfterMs } from './retry-after.js'

/** Options of {@link createAuthClient}. */
export interface AuthClientOptions {
  /** auth-service's base URL (`AUTH_SERVICE_URL`), e.g. `http://auth-service:3001`. */
  baseUrl: string
  /** `INTERNAL_JWT_SECRET`: signs the calling service's internal token (service-kit). */
  internalJwtSecret: string
  /** The calling service's name, its identity at auth-service (`publish-service`…). */
  service: string
  /** Bound of each HTTP call (headers, then body), ms. Default 10 s. */
  timeoutMs?: number
  /** Connections per page of {@link AuthClient.listActiveConnections} (1–500). Default 100. */
  pageSize?: number
}

/**
 * auth-service's internal API (contracts `rest/internal.ts`) as the other services use it, over
 * one keep-alive undici Agent, every call carrying an internal token for `service`.
 */
export interface AuthClient {
  /**
   * The access-token hand-out, `POST {baseUrl}/internal/connections/:id/lease`: a valid TikTok
   * access token for the connection at the moment of use. `tenantId` scopes the connection
   * (another tenant's answers `NOT_FOUND`); `forceRefresh` after TikTok answered
   * `access_token_invalid` (docs/tiktok-api.md §2.1) returns another token than the one stored then.
   * Use the token at once; never store or log it. The client does not retry: a 503 carries
   * auth-service's `Retry-After` in `retryAfterMs`, for the caller's own retry schedule.
   * @throws AuthClientError `NOT_FOUND` (404), `REAUTH_REQUIRED` / `CONNECTION_NOT_ACTIVE` (409),
   *   `SERVICE_UNAVAILABLE` (503 with `retryAfterMs`, any other status, an answer not matching
   *   the contract, a timeout or no connection).
   */
  getAccessToken(connectionId: string, request?: AccessTokenRequest): Promise<ConnectionAccessToken>
  /**
   * `GET {baseUrl}/internal/connections?status=active`, every page (no tokens in them).
   * @throws AuthClientError `SERVICE_UNAVAILABLE` when a page cannot be read.
   */
  listActiveConnections(): Promise<InternalConnection[]>
  /** Closes the Agent's sockets. */
  close(): Promise<void>
}

interface Answer {
  status: number
  json: unknown
  retryAfterMs: number | undefined
}

/** `error.code` of the shared error shape, if the body has one. */
function errorCodeOf(json: unknown): string | undefined {
  const code = (json as { error?: { code?: unknown } } | undefined)?.error?.code
  return typeof code === 'string' ? code : undefined
}

/** Builds the client (one Agent: up to 16 sockets, kept alive 30 s). */
export function createAuthClient(opts: AuthClientOptions): AuthClient {
  const signer = createInternalTokenSigner({ secret: opts.internalJwtSecret })
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 16 })
  const base = opts.baseUrl.replace(/\/+$/, '')
  const timeoutMs = opts.timeoutMs ?? 10_000
  const pageSize = opts.pageSize ?? 100

  async function call(method: 'GET' | 'POST', path: string, what: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {
      [INTERNAL_TOKEN_HEADER]: await signer.forService(opts.service),
      accept: 'application/json',
    }
    if (body !== undefined) headers['content-type'] = 'application/json'
    try {
      const res = await request(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      const text = await res.body.text()
      let json: unknown
      try {
        json = text ? JSON.parse(text) : undefined
      } catch {
        json = undefined
      }
      return { status: res.statusCode, json, retryAfterMs: retryAfterMs(res.headers['retry-after']) }
    } catch (err) {
      throw new AuthClientError(ErrorCodes.SERVICE_UNAVAILABLE, `auth-service unreachable (${what})`, {
        cause: err,
      })
    }
  }

  function unavailable(answer: Answer, what: string): AuthClientError {
    const code = errorCodeOf(answer.json)
    return new AuthClientError(
      ErrorCodes.SERVICE_UNAVAILABLE,
      `auth-service answered ${answer.status}${code ? ` ${code}` : ''} (${what})`,
      { httpStatus: answer.status, retryAfterMs: answer.retryAfterMs },
    )
  }

  function checked<T>(schema: TSchema, answer: Answer, what: string): T {
    if (Value.Check(schema, answer.json)) return answer.json as T
    throw new AuthClientError(
      ErrorCodes.SERVICE_UNAVAILABLE,
      `auth-service answered 200 with a body that is not the contract's (${what})`,
      { httpStatus: 200 },
    )
  }

  return {
    async getAccessToken(connectionId, body = {}) {
      const what = `access token of connection ${connectionId}`
      const answer = await call('POST', accessTokenPath(connectionId), what, body)
      if (answer.status === 200) return checked<ConnectionAccessToken>(ConnectionAccessToken, answer, what)
      const options = { httpStatus: answer.status }
      if (answer.status === 404)
        throw new AuthClientError(ErrorCodes.NOT_FOUND, `connection ${connectionId} not found`, options)
      if (answer.status === 409) {
        const code =
          errorCodeOf(answer.json) === ErrorCodes.REAUTH_REQUIRED
            ? ErrorCodes.REAUTH_REQUIRED
            : ErrorCodes.CONNECTION_NOT_ACTIVE
        throw new AuthClientError(code, `connection ${connectionId} cannot be used: ${code}`, options)
      }
      throw unavailable(answer, what)
    },

    async listActiveConnections() {
      const out: InternalConnection[] = []
      let cursor: string | null = null
      do {
        const qs = new URLSearchParams({ status: 'active', limit: String(pageSize) })
        if (cursor) qs.set('cursor', cursor)
        const answer = await call('GET', `/internal/connections?${qs}`, 'active connections')
        if (answer.status !== 200) throw unavailable(answer, 'active connections')
        const page = checked<InternalConnectionList>(InternalConnectionList, answer, 'active connections')
        out.push(...page.items)
        cursor = page.nextCursor
      } while (cursor)
      return out
    },

    close: () => dispatcher.close(),
  }
}
