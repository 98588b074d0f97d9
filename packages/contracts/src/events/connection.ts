import { type Static, Type } from 'typebox'
import { ConnectionStatus, IsoDateTime, Provider, Uuid } from '../common.js'

/** `social.connection.connected` v1: an account was connected or reconnected through OAuth. */
export const ConnectionConnectedV1 = Type.Object({
  connectionId: Uuid,
  provider: Provider,
  openId: Type.String(),
  displayName: Type.Optional(Type.String()),
  scopes: Type.Array(Type.String()),
  /** The CRM user who connected it. */
  userId: Type.String(),
  reconnected: Type.Boolean(),
})
export type ConnectionConnectedV1 = Static<typeof ConnectionConnectedV1>

/** `social.connection.refreshed` v1: a new access token was obtained. */
export const ConnectionRefreshedV1 = Type.Object({
  connectionId: Uuid,
  /** Absent in events written before TikTok Shop: read as `tiktok`. */
  provider: Type.Optional(Provider),
  accessTokenExpiresAt: IsoDateTime,
  refreshTokenExpiresAt: IsoDateTime,
})
export type ConnectionRefreshedV1 = Static<typeof ConnectionRefreshedV1>

/** `social.connection.reauth_required` v1: the provider says the grant is dead; the user must reconnect. */
export const ConnectionReauthRequiredV1 = Type.Object({
  connectionId: Uuid,
  /** Absent in events written before TikTok Shop: read as `tiktok`. */
  provider: Type.Optional(Provider),
  /** TikTok's OAuth error (e.g. `invalid_grant`), `refresh_token_expired`, or `refresh_interrupted` (TikTok refused the refresh token after a refresh whose answer was lost: auth-service README, "Interrupted refreshes"). */
  reason: Type.String(),
})
export type ConnectionReauthRequiredV1 = Static<typeof ConnectionReauthRequiredV1>

/** `social.connection.disconnected` v1: disconnected by a CRM user, or revoked on TikTok's side. */
export const ConnectionDisconnectedV1 = Type.Object({
  connectionId: Uuid,
  /** Absent in events written before TikTok Shop: read as `tiktok`. */
  provider: Type.Optional(Provider),
  status: ConnectionStatus,
  /** `user` (CRM user asked), or `tiktok` (an `authorization.removed` webhook). */
  initiatedBy: Type.Union([Type.Literal('user'), Type.Literal('tiktok')]),
  userId: Type.Optional(Type.String()),
  /** For `tiktok`: the webhook's reason int (docs/tiktok-api.md §4.4). */
  tiktokReason: Type.Optional(Type.Integer()),
})
export type ConnectionDisconnectedV1 = Static<typeof ConnectionDisconnectedV1>
