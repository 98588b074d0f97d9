import { type Static, type TSchema, Type } from 'typebox'
import { Nullable, PostStatus, TikTokPostId, Uuid } from './common.js'
import { IsoDateTime } from './date-time.js'

/**
 * The public event catalogue: what the CRM receives as signed webhooks (Standard Webhooks) and on
 * the `GET /v1/events` stream. Version 1 of every type; a change that is not additive gets a new
 * version beside the old one. Payloads carry the tenant's own ids and never a token or a TikTok
 * credential. Mapped from the internal domain events by webhook-dispatch.
 */
export const PUBLIC_EVENT_CATALOGUE_VERSION = 1

const post = { postId: Uuid, connectionId: Uuid }
const connection = { connectionId: Uuid }

/** `post.status_changed`: every stored status transition of a post. */
export const PostStatusChangedEvent = Type.Object({
  ...post,
  status: PostStatus,
  previousStatus: PostStatus,
  publishId: Nullable(Type.String()),
  /** TikTok's `fail_reason` or our own code, when `status` is `failed`. */
  failReason: Nullable(Type.String()),
  /** A sentence a CRM user understands, when `status` is `failed`. */
  failMessage: Nullable(Type.String()),
  /** TikTok's public post ids (19 digits, strings), once known. */
  tiktokPostIds: Type.Array(TikTokPostId),
  /** `https://www.tiktok.com/@<username>/video/<id>` once a public post id is known. */
  shareUrl: Nullable(Type.String()),
})

/** `post.published`: TikTok reports the post complete; `tiktokPostIds` may fill in later. */
export const PostPublishedEvent = Type.Object({
  ...post,
  publishId: Type.String(),
  tiktokPostIds: Type.Array(TikTokPostId),
})

/** `post.failed`: terminal failure. */
export const PostFailedEvent = Type.Object({
  ...post,
  publishId: Nullable(Type.String()),
  failReason: Type.String(),
  failMessage: Type.String(),
})

/** `connection.connected`: an account was connected or reconnected. */
export const ConnectionConnectedEvent = Type.Object({
  ...connection,
  provider: Type.String(),
  openId: Type.String(),
  displayName: Nullable(Type.String()),
  scopes: Type.Array(Type.String()),
  reconnected: Type.Boolean(),
})

/** `connection.reauth_required`: the grant is dead; a user must connect the account again. */
export const ConnectionReauthRequiredEvent = Type.Object({ ...connection, reason: Type.String() })

/** `connection.revoked`: the account's owner removed the app's access on TikTok's side. */
export const ConnectionRevokedEvent = Type.Object({
  ...connection,
  /** TikTok's `authorization.removed` reason int (docs/tiktok-api.md §4.4), when given. */
  reason: Nullable(Type.Integer()),
})

/** `connection.disconnected`: a CRM user disconnected the account. */
export const ConnectionDisconnectedEvent = Type.Object({ ...connection, userId: Nullable(Type.String()) })

/** `quota.changed`: the account's posting quota moved (a post or an inbox draft used or given back). */
export const QuotaChangedEvent = Type.Object({
  ...connection,
  /** Post inits left in the current minute (TikTok: 6 per minute per token). */
  postsLeft: Type.Integer({ minimum: 0 }),
  /** Inbox drafts left in the last 24 h (TikTok: 5 pending per 24 h). */
  draftsLeft: Type.Integer({ minimum: 0 }),
  /** When the next post or draft slot frees, if one is used up now. */
  nextFreeSlotAt: Nullable(IsoDateTime),
})

/** `metrics.synced`: an account's (and its videos') metrics were stored. */
export const MetricsSyncedEvent = Type.Object({
  ...connection,
  measuredAt: IsoDateTime,
  videoCount: Type.Integer({ minimum: 0 }),
})

/** `ping`: sent by `POST /v1/webhook-endpoints/:id/test`; never on the stream. */
export const PingEvent = Type.Object({ endpointId: Uuid, message: Type.String() })

/** Every public event type and its `data` schema (version {@link PUBLIC_EVENT_CATALOGUE_VERSION}). */
export const PublicEvents = {
  'post.status_changed': PostStatusChangedEvent,
  'post.published': PostPublishedEvent,
  'post.failed': PostFailedEvent,
  'connection.connected': ConnectionConnectedEvent,
  'connection.reauth_required': ConnectionReauthRequiredEvent,
  'connection.revoked': ConnectionRevokedEvent,
  'connection.disconnected': ConnectionDisconnectedEvent,
  'quota.changed': QuotaChangedEvent,
  'metrics.synced': MetricsSyncedEvent,
  ping: PingEvent,
} as const satisfies Record<string, TSchema>

export type PublicEventType = keyof typeof PublicEvents
export const PUBLIC_EVENT_TYPES = Object.keys(PublicEvents) as PublicEventType[]

/**
 * A public event as delivered: the Standard Webhooks body `{ type, timestamp, data }` plus the
 * event `id` (the `webhook-id` header; the SSE `data` carries it too), the catalogue `version` and
 * the `tenantId`. The same id on every retry and replay.
 */
export const PublicEvent = <T extends TSchema>(type: string, data: T) =>
  Type.Object(
    {
      id: Type.String({ minLength: 1, maxLength: 128 }),
      type: Type.Literal(type),
      version: Type.Literal(PUBLIC_EVENT_CATALOGUE_VERSION),
      timestamp: IsoDateTime,
      tenantId: Type.String(),
      data,
    },
    { $id: `Event_${type.replace('.', '_')}` },
  )

/** A public event of any type (its `data` not narrowed). */
export interface AnyPublicEvent {
  id: string
  type: PublicEventType
  version: number
  timestamp: string
  tenantId: string
  data: Record<string, unknown>
}

/** The JSON schema of every public event, by type: what the OpenAPI document publishes. */
export const PublicEventSchemas = Object.fromEntries(
  PUBLIC_EVENT_TYPES.map((type) => [type, PublicEvent(type, PublicEvents[type])]),
) as unknown as Record<PublicEventType, TSchema>

export type PostStatusChangedEvent = Static<typeof PostStatusChangedEvent>
export type QuotaChangedEvent = Static<typeof QuotaChangedEvent>
