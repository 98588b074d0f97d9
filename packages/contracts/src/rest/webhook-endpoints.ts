import { type Static, Type } from 'typebox'
import { Nullable, Page } from '../common.js'
import { IsoDateTime } from '../date-time.js'
import { Uuid } from '../uuid.js'

/** Event types an endpoint subscribes to: catalogue types (`post.published`), `post.*`, or `["*"]`. */
const EventFilter = Type.Array(Type.String({ pattern: '^(\\*|[a-z_]+\\.(\\*|[a-z_]+))$', maxLength: 64 }), {
  minItems: 1,
  maxItems: 32,
})

/** `POST /v1/webhook-endpoints` body. */
export const CreateWebhookEndpointRequest = Type.Object(
  {
    /** `https://…`; plain `http` only for hosts in the dispatcher's allowlist. */
    url: Type.String({ minLength: 8, maxLength: 2048 }),
    events: EventFilter,
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
)
export type CreateWebhookEndpointRequest = Static<typeof CreateWebhookEndpointRequest>

/** `PATCH /v1/webhook-endpoints/:id` body: any of the members; `disabled: false` re-enables. */
export const UpdateWebhookEndpointRequest = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 8, maxLength: 2048 })),
    events: Type.Optional(EventFilter),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateWebhookEndpointRequest = Static<typeof UpdateWebhookEndpointRequest>

/** A webhook endpoint of the tenant (never its signing secret). */
export const WebhookEndpoint = Type.Object({
  id: Uuid,
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: Nullable(Type.String()),
  disabled: Type.Boolean(),
  /** Why it was disabled: `gone` (the receiver answered 410), `failing` (3 days of failures), `user`. */
  disabledReason: Nullable(Type.String()),
  /** Since when every delivery failed (null while deliveries succeed). */
  failingSince: Nullable(IsoDateTime),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
})
export type WebhookEndpoint = Static<typeof WebhookEndpoint>

/** The endpoint with its signing secret (`whsec_…`): only on creation and on rotation. */
export const WebhookEndpointWithSecret = Type.Object({
  ...WebhookEndpoint.properties,
  secret: Type.String({ pattern: '^whsec_' }),
})
export type WebhookEndpointWithSecret = Static<typeof WebhookEndpointWithSecret>

export const WebhookEndpointList = Page(WebhookEndpoint)

export const WebhookEndpointIdParams = Type.Object({ id: Uuid })
export const DeliveryIdParams = Type.Object({ id: Uuid, deliveryId: Uuid })

/** One delivery attempt of an event to an endpoint. */
export const DeliveryAttempt = Type.Object({
  /** The attempt's id: the `cursor` of the page after it. */
  id: Type.String(),
  /** The delivery (event × endpoint) this attempt belongs to: what `…/retry` takes. */
  deliveryId: Uuid,
  eventId: Type.String(),
  eventType: Type.String(),
  attempt: Type.Integer({ minimum: 1 }),
  /** The receiver's HTTP status, or null when no answer came. */
  httpStatus: Nullable(Type.Integer()),
  /** `timeout`, `connection refused`, `redirect not followed`, `url refused`…; null on 2xx. */
  error: Nullable(Type.String()),
  /** The start of the receiver's answer, at most 1 KiB. */
  responseBody: Nullable(Type.String()),
  durationMs: Type.Integer({ minimum: 0 }),
  at: IsoDateTime,
  /** The delivery's state after this attempt. */
  deliveryStatus: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  /** When the next attempt is due (null when delivered or given up). */
  nextRetryAt: Nullable(IsoDateTime),
})
export type DeliveryAttempt = Static<typeof DeliveryAttempt>

export const DeliveryAttemptList = Page(DeliveryAttempt)

export const DeliveryListQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
})

/** `GET /v1/events` query: `types=post.*,connection.revoked` (comma-separated filters, default all). */
export const EventStreamQuery = Type.Object({
  types: Type.Optional(
    Type.String({ pattern: '^(\\*|[a-z_]+\\.(\\*|[a-z_]+))(,(\\*|[a-z_]+\\.(\\*|[a-z_]+)))*$' }),
  ),
})
