import { type Static, Type } from 'typebox'
import { ConnectionStatus, IsoDateTime, Page, Provider, Uuid } from '../common.js'

/**
 * Service-to-service API of auth-service (called with a service identity, see service-kit
 * `createInternalTokenSigner().forService(name)`); never exposed by the gateway. Callers use
 * `@social-bridge/auth-client` rather than calling it by hand.
 *
 * Access-token hand-out, `POST /internal/connections/:id/lease` (the path keeps its first name;
 * the job and sync leases of publish-service and analytics-service are another thing): a valid
 * TikTok access token for a connection, at the moment of use. auth-service refreshes first when
 * the token expires within its margin, or when `forceRefresh` is set (the caller got
 * `access_token_invalid` from TikTok). Errors: 404 `NOT_FOUND` (unknown id, or `tenantId` given
 * and not the connection's), 409 `REAUTH_REQUIRED` or `CONNECTION_NOT_ACTIVE`, 503
 * `TIKTOK_UNAVAILABLE` with `Retry-After` (refresh failed transiently; retry later). Callers must
 * never store or log the token.
 */
export const AccessTokenRequest = Type.Object(
  {
    forceRefresh: Type.Optional(Type.Boolean()),
    /** When set, the connection must belong to this tenant (else 404). */
    tenantId: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
export type AccessTokenRequest = Static<typeof AccessTokenRequest>

/** Whose a connection is and what it may do: the tenant, the TikTok account, the granted scopes. */
const connectionIdentity = {
  tenantId: Type.String(),
  provider: Provider,
  openId: Type.String(),
  scopes: Type.Array(Type.String()),
}

/** The answer of the access-token hand-out: the connection and its current access token. */
export const ConnectionAccessToken = Type.Object({
  connectionId: Uuid,
  ...connectionIdentity,
  accessToken: Type.String(),
  accessTokenExpiresAt: IsoDateTime,
})
export type ConnectionAccessToken = Static<typeof ConnectionAccessToken>

/** Route of the access-token hand-out (see {@link AccessTokenRequest}), as auth-service declares it. */
export const ACCESS_TOKEN_ROUTE = '/internal/connections/:id/lease'

/** The access-token hand-out's path for connection `id` (URL-encoded). */
export const accessTokenPath = (id: string): string =>
  ACCESS_TOKEN_ROUTE.replace(':id', encodeURIComponent(id))

/** A connection as peer services see it (no token). */
export const InternalConnection = Type.Object({
  id: Uuid,
  ...connectionIdentity,
  status: ConnectionStatus,
})
export type InternalConnection = Static<typeof InternalConnection>

export const InternalConnectionList = Page(InternalConnection)
export type InternalConnectionList = Static<typeof InternalConnectionList>
