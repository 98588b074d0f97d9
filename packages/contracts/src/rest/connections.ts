import { type Static, Type } from 'typebox'
import { ConnectionStatus, IsoDateTime, Nullable, PrivacyLevel, Provider, Uuid } from '../common.js'

/** `:provider` of `GET /v1/connections/:provider/authorize` and `…/callback`. */
export const ProviderParams = Type.Object({ provider: Provider })
export type ProviderParams = Static<typeof ProviderParams>

/** Query of `GET /v1/connections`: only this provider's connections when given. */
export const ConnectionListQuery = Type.Object({ provider: Type.Optional(Provider) })
export type ConnectionListQuery = Static<typeof ConnectionListQuery>

/** `GET /v1/connections/tiktok/authorize` answer when `Accept: application/json`. */
export const AuthorizeResponse = Type.Object({ authorizeUrl: Type.String() })
export type AuthorizeResponse = Static<typeof AuthorizeResponse>

/** Query of `GET /v1/connections/tiktok/authorize`: where the CRM wants the user sent afterwards. */
export const AuthorizeQuery = Type.Object({
  returnUrl: Type.Optional(Type.String({ maxLength: 2048 })),
})
export type AuthorizeQuery = Static<typeof AuthorizeQuery>

/**
 * Query the provider sends to the callback: TikTok `code`+`scopes`+`state`, or `error`
 * (docs/tiktok-api.md §1.3); TikTok Shop `code`+`state` (docs/tiktok-shop-api.md §1).
 */
export const CallbackQuery = Type.Partial(
  Type.Object({
    code: Type.String(),
    scopes: Type.String(),
    state: Type.String(),
    error: Type.String(),
    error_description: Type.String(),
  }),
)
export type CallbackQuery = Static<typeof CallbackQuery>

/** Outcome of the callback, as JSON or in the CRM return URL's query. */
export const CallbackResult = Type.Object({
  outcome: Type.Union([Type.Literal('connected'), Type.Literal('denied'), Type.Literal('failed')]),
  connectionId: Type.Optional(Uuid),
  errorCode: Type.Optional(Type.String()),
})
export type CallbackResult = Static<typeof CallbackResult>

/**
 * One shop a TikTok Shop seller authorized (docs/tiktok-shop-api.md §4). The `shop_cipher` stays
 * in auth-service and is never returned.
 */
export const ConnectedShop = Type.Object({
  /** TikTok Shop's shop id (a decimal string, up to 19 digits). */
  shopId: Type.String(),
  name: Type.String(),
  /** Region code, e.g. `GB`. */
  region: Type.String(),
})
export type ConnectedShop = Static<typeof ConnectedShop>

/**
 * Something the user should do about a connection that still works (shown beside it), e.g. an
 * Instagram personal account that must switch to a professional account to publish.
 */
export const ConnectionNotice = Type.Object({
  /** A contracts `ErrorCodes` value, e.g. `INSTAGRAM_PROFESSIONAL_ACCOUNT_REQUIRED`. */
  code: Type.String(),
  /** What to change, in English, for the user. */
  message: Type.String(),
})
export type ConnectionNotice = Static<typeof ConnectionNotice>

/**
 * One connected account (`GET /v1/connections`). Never contains a token. `tiktok_shop`
 * connections add `sellerName` and `shops` (`openId` is the seller's id, `displayName` the seller name).
 * `instagram` connections add `accountType`, `canPublish` and, for a personal account, a `notice`
 * (`openId` is the Instagram professional account id, `displayName` the username).
 */
export const Connection = Type.Object({
  id: Uuid,
  provider: Provider,
  openId: Type.String(),
  displayName: Nullable(Type.String()),
  avatarUrl: Nullable(Type.String()),
  scopes: Type.Array(Type.String()),
  status: ConnectionStatus,
  accessTokenExpiresAt: Nullable(IsoDateTime),
  refreshTokenExpiresAt: Nullable(IsoDateTime),
  lastRefreshedAt: Nullable(IsoDateTime),
  createdAt: IsoDateTime,
  /** `tiktok_shop`: the seller's name. */
  sellerName: Type.Optional(Type.String()),
  /** `tiktok_shop`: the shops the seller authorized. */
  shops: Type.Optional(Type.Array(ConnectedShop)),
  /** `instagram`: `account_type` as Instagram reports it: `BUSINESS`, `MEDIA_CREATOR` or `PERSONAL`. */
  accountType: Type.Optional(Type.String()),
  /** `instagram`: false for a personal account (only professional accounts can publish). */
  canPublish: Type.Optional(Type.Boolean()),
  /** Present when the user should act (e.g. switch to a professional account); the connection stays `active`. */
  notice: Type.Optional(ConnectionNotice),
})
export type Connection = Static<typeof Connection>

export const ConnectionList = Type.Object({ items: Type.Array(Connection) })
export type ConnectionList = Static<typeof ConnectionList>

/**
 * Posting quota usage shown on `GET /v1/connections/:id`: calls made with the account's token in
 * each of TikTok's sliding windows (docs/tiktok-api.md §5), beside the limit we hold it to.
 */
export const PostingQuota = Type.Object({
  /** Inits in the last 60 s / TikTok's 6 per minute per token (§3.2, §3.3). */
  initsLastMinute: Type.Integer(),
  initsPerMinuteLimit: Type.Integer(),
  /** Inbox drafts in the last 24 h / the pending-share cap of 5 (§3.3). */
  inboxDraftsLast24h: Type.Integer(),
  inboxDraftsLimit: Type.Integer(),
  /** creator_info queries in the last 60 s / 20 per minute per token (§3.1). */
  creatorInfoLastMinute: Type.Integer(),
  creatorInfoPerMinuteLimit: Type.Integer(),
  /** status/fetch calls in the last 60 s / 30 per minute per token (§3.8). */
  statusFetchesLastMinute: Type.Integer(),
  statusFetchesPerMinuteLimit: Type.Integer(),
})
export type PostingQuota = Static<typeof PostingQuota>

export const ConnectionDetail = Type.Intersect([
  Connection,
  Type.Object({ postingQuota: Type.Optional(PostingQuota) }),
])
export type ConnectionDetail = Static<typeof ConnectionDetail>

/** `GET /v1/connections/:id/creator-info` (docs/tiktok-api.md §3.1, camelCased). */
export const CreatorInfo = Type.Object({
  creatorAvatarUrl: Type.String(),
  creatorUsername: Type.String(),
  creatorNickname: Type.String(),
  privacyLevelOptions: Type.Array(PrivacyLevel),
  commentDisabled: Type.Boolean(),
  duetDisabled: Type.Boolean(),
  stitchDisabled: Type.Boolean(),
  maxVideoPostDurationSec: Type.Integer(),
})
export type CreatorInfo = Static<typeof CreatorInfo>

export const ConnectionIdParams = Type.Object({ id: Uuid })
export type ConnectionIdParams = Static<typeof ConnectionIdParams>
