import {
  type AnyPublicEvent,
  type ConnectionConnectedV1,
  type ConnectionDisconnectedV1,
  type ConnectionReauthRequiredV1,
  type Envelope,
  type MetricsSyncedV1,
  type PostFailedV1,
  type PostPublishedV1,
  type PostStatusChangedV1,
  PUBLIC_EVENT_CATALOGUE_VERSION,
  type PublicEventType,
  type QuotaChangedEvent,
  Subjects,
} from '@social-bridge/contracts'

type Mapper = (data: never) => [PublicEventType, Record<string, unknown>]

/** Each domain subject's public counterpart (contracts `PublicEvents`); subjects not listed stay internal. */
const MAPPERS: Partial<Record<string, Mapper>> = {
  [Subjects.postStatusChanged]: (d: PostStatusChangedV1) => [
    'post.status_changed',
    {
      postId: d.postId,
      connectionId: d.connectionId,
      status: d.to,
      previousStatus: d.from,
      publishId: d.publishId ?? null,
      failReason: d.failReason ?? null,
      failMessage: d.failMessage ?? null,
      tiktokPostIds: d.tiktokPostIds ?? [],
      shareUrl: d.shareUrl ?? null,
    },
  ],
  [Subjects.postPublished]: (d: PostPublishedV1) => [
    'post.published',
    {
      postId: d.postId,
      connectionId: d.connectionId,
      publishId: d.publishId,
      tiktokPostIds: d.tiktokPostIds,
    },
  ],
  [Subjects.postFailed]: (d: PostFailedV1) => [
    'post.failed',
    {
      postId: d.postId,
      connectionId: d.connectionId,
      publishId: d.publishId ?? null,
      failReason: d.failReason,
      failMessage: d.message,
    },
  ],
  [Subjects.connectionConnected]: (d: ConnectionConnectedV1) => [
    'connection.connected',
    {
      connectionId: d.connectionId,
      provider: d.provider,
      openId: d.openId,
      displayName: d.displayName ?? null,
      scopes: d.scopes,
      reconnected: d.reconnected,
    },
  ],
  [Subjects.connectionReauthRequired]: (d: ConnectionReauthRequiredV1) => [
    'connection.reauth_required',
    { connectionId: d.connectionId, reason: d.reason },
  ],
  [Subjects.connectionDisconnected]: (d: ConnectionDisconnectedV1) =>
    d.initiatedBy === 'tiktok'
      ? ['connection.revoked', { connectionId: d.connectionId, reason: d.tiktokReason ?? null }]
      : ['connection.disconnected', { connectionId: d.connectionId, userId: d.userId ?? null }],
  [Subjects.quotaChanged]: (d: QuotaChangedEvent) => ['quota.changed', { ...d }],
  [Subjects.metricsSynced]: (d: MetricsSyncedV1) => [
    'metrics.synced',
    { connectionId: d.connectionId, measuredAt: d.measuredAt, videoCount: d.videoCount },
  ],
}

/** The domain subjects that have a public event: what the catalogue consumer subscribes to. */
export const PUBLISHED_SUBJECTS = Object.keys(MAPPERS)

/** A public event as kept on PUBLIC_EVENTS: an envelope whose `type` is the public type. */
export type PublicEnvelope = Envelope<Record<string, unknown>> & { tenantId: string }

/**
 * The public event of a domain event (`subject` un-namespaced), or null when it has none or no
 * tenant. The public id is the domain event's id, so a redelivered domain event maps to the same
 * public event (and the same `webhook-id`). Only the listed fields are copied: never a token.
 */
export function toPublicEvent(subject: string, envelope: Envelope): PublicEnvelope | null {
  const mapper = MAPPERS[subject]
  if (!mapper || !envelope.tenantId) return null
  const [type, data] = mapper(envelope.data as never)
  return {
    id: envelope.id,
    type,
    version: PUBLIC_EVENT_CATALOGUE_VERSION,
    occurredAt: envelope.occurredAt,
    tenantId: envelope.tenantId,
    data,
  }
}

/**
 * The body the CRM receives (webhook body and SSE `data`): Standard Webhooks' `{ type, timestamp,
 * data }` with the event `id`, catalogue `version` and `tenantId` (contracts `PublicEvent`).
 */
export function publicBody(envelope: Envelope<unknown>): AnyPublicEvent {
  return {
    id: envelope.id,
    type: envelope.type as AnyPublicEvent['type'],
    version: envelope.version,
    timestamp: envelope.occurredAt,
    tenantId: envelope.tenantId ?? '',
    data: envelope.data as Record<string, unknown>,
  }
}

/**
 * Whether `type` matches one of `filters`: `*` (all but nothing else), an exact type
 * (`post.published`) or a group (`post.*`). `ping` matches only its own name or `*`.
 */
export function matchesFilters(type: string, filters: readonly string[]): boolean {
  return filters.some((f) => f === '*' || f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))))
}
