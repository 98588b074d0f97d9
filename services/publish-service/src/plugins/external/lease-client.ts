import type { TokenLease, TokenLeaseRequest } from '@social-bridge/contracts'
import { createInternalTokenSigner, INTERNAL_TOKEN_HEADER } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Agent, request } from 'undici'

/**
 * Why a lease failed: `not_found` (unknown connection, or another tenant's), `reauth_required`,
 * `not_active` (revoked/disconnected) — all final for the post — or `unavailable` (auth-service
 * or TikTok's refresh is down; retry later).
 */
export type LeaseFailure = 'not_found' | 'reauth_required' | 'not_active' | 'unavailable'

/** A token lease that could not be obtained. Never carries a token. */
export class LeaseError extends Error {
  override name = 'LeaseError'
  constructor(
    readonly failure: LeaseFailure,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message)
  }
}

/** Leases TikTok access tokens from auth-service; the token is used at once and never stored. */
export interface LeaseClient {
  /**
   * `POST {AUTH_SERVICE_URL}/internal/connections/:id/lease` (contracts `rest/internal.ts`) with a
   * `publish-service` internal token. `tenantId` scopes the connection (another tenant's → `not_found`);
   * `forceRefresh` after TikTok answered `access_token_invalid`.
   * @throws LeaseError
   */
  lease(connectionId: string, body: TokenLeaseRequest): Promise<TokenLease>
  close(): Promise<void>
}

/** Builds a lease client on a keep-alive undici Agent. `timeoutMs` bounds each call (default 10 s). */
export function createLeaseClient(opts: {
  authServiceUrl: string
  internalJwtSecret: string
  service?: string
  timeoutMs?: number
}): LeaseClient {
  const signer = createInternalTokenSigner({ secret: opts.internalJwtSecret })
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 16 })
  const base = opts.authServiceUrl.replace(/\/$/, '')
  const timeout = opts.timeoutMs ?? 10_000
  return {
    async lease(connectionId, body) {
      const token = await signer.forService(opts.service ?? 'publish-service')
      let res: Awaited<ReturnType<typeof request>>
      try {
        res = await request(`${base}/internal/connections/${encodeURIComponent(connectionId)}/lease`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: token },
          body: JSON.stringify(body),
          headersTimeout: timeout,
          bodyTimeout: timeout,
        })
      } catch (err) {
        throw new LeaseError('unavailable', `auth-service unreachable: ${(err as Error).message}`)
      }
      const text = await res.body.text()
      if (res.statusCode === 200) return JSON.parse(text) as TokenLease
      let code = ''
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? ''
      } catch {
        // not our error shape
      }
      if (res.statusCode === 404) throw new LeaseError('not_found', 'Connection not found', 404)
      if (code === 'REAUTH_REQUIRED')
        throw new LeaseError('reauth_required', 'The TikTok account must be reconnected', res.statusCode)
      if (res.statusCode === 409 || code === 'CONNECTION_NOT_ACTIVE')
        throw new LeaseError('not_active', 'The TikTok account is not connected', res.statusCode)
      throw new LeaseError(
        'unavailable',
        `auth-service lease failed: HTTP ${res.statusCode} ${code}`.trim(),
        res.statusCode,
      )
    },
    close: () => agent.close(),
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    leaseClient: LeaseClient
  }
}

/** Decorates `app.leaseClient`; closes it on close. */
export const leaseClientPlugin = fp(
  async (app: FastifyInstance, opts: { authServiceUrl: string; internalJwtSecret: string }) => {
    const client = createLeaseClient(opts)
    app.decorate('leaseClient', client)
    app.addHook('onClose', () => client.close())
  },
  { name: 'publish-lease-client', fastify: '5.x' },
)
