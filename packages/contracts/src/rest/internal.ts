import { type Static, Type } from 'typebox'
import { ConnectionStatus, IsoDateTime, Provider, Uuid } from '../common.js'

/**
 * Service-to-service API of auth-service (called with a service identity, see service-kit
 * `createInternalTokenSigner().forService(name)`); never exposed by the gateway.
 *
 * `POST /internal/connections/:id/lease` — a valid TikTok access token for a connection, at the
 * moment of use. auth-service refreshes first when the token expires within its margin, or when
 * `forceRefresh` is set (the caller got `access_token_invalid` from TikTok). Errors: 404
 * `NOT_FOUND` (unknown id, or `tenantId` given and not the connection's), 409 `REAUTH_REQUIRED`
 * or `CONNECTION_NOT_ACTIVE`, 503 `TIKTOK_UNAVAILABLE` (refresh failed transiently; retry later).
 * Callers must never store or log the token.
 */
export const TokenLeaseRequest = Type.Object(
  {
    forceRefresh: Type.Optional(Type.Boolean()),
    /** When set, the connection must belong to this tenant (else 404). */
    tenantId: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
export type TokenLeaseRequest = Static<typeof TokenLeaseRequest>

export const TokenLease = Type.Object({
  connectionId: Uuid,
  tenantId: Type.String(),
  provider: Provider,
  openId: Type.String(),
  scopes: Type.Array(Type.String()),
  accessToken: Type.String(),
  accessTokenExpiresAt: IsoDateTime,
})
export type TokenLease = Static<typeof TokenLease>

/** `GET /internal/connections?status=active&limit=&cursor=`: connections for schedulers (no tokens). */
export const InternalConnection = Type.Object({
  id: Uuid,
  tenantId: Type.String(),
  provider: Provider,
  openId: Type.String(),
  scopes: Type.Array(Type.String()),
  status: ConnectionStatus,
})
export type InternalConnection = Static<typeof InternalConnection>

export const InternalConnectionList = Type.Object({
  items: Type.Array(InternalConnection),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})
export type InternalConnectionList = Static<typeof InternalConnectionList>
