/**
 * NATS subjects and JetStream streams of Social Bridge. These names exist here and nowhere
 * else (CONVENTIONS.md 8). Every service may run under a namespace (tests use one per test so
 * they can share a NATS server): see `namespacedSubject` / `namespacedStream`.
 */

/** Subjects of verified TikTok webhooks: `tiktok.webhook.<event>`, e.g. `tiktok.webhook.post.publish.complete`. */
export const TIKTOK_WEBHOOK_SUBJECT_PREFIX = 'tiktok.webhook'

/** The subject for one TikTok webhook event name (TikTok's own dotted name, kept as is). */
export const tiktokWebhookSubject = (event: string): string => `${TIKTOK_WEBHOOK_SUBJECT_PREFIX}.${event}`

/**
 * Subject filters of the `tiktok.webhook.*` consumers (a durable consumer's `filter_subject`,
 * un-namespaced; one without a wildcard is the subject itself), docs/tiktok-api.md §4.4.
 */
export const TikTokWebhookFilters = {
  /** `authorization.removed` (auth-service revokes the account's connections). */
  authorizationRemoved: tiktokWebhookSubject('authorization.removed'),
  /** Every Content Posting event, `post.publish.*` (publish-service). */
  postPublish: tiktokWebhookSubject('post.publish.>'),
  /** `post.publish.publicly_available`, which carries the post id (analytics-service). */
  postPubliclyAvailable: tiktokWebhookSubject('post.publish.publicly_available'),
} as const

/**
 * Subjects of verified Instagram webhook changes: `instagram.webhook.<field>`, e.g.
 * `instagram.webhook.comments` (docs/instagram-api.md "Webhooks"). One message per change of a
 * notification batch (`entry[].changes[]`; `entry[].messaging[]` items under `messaging`).
 */
export const INSTAGRAM_WEBHOOK_SUBJECT_PREFIX = 'instagram.webhook'

/** The subject for one Instagram webhook field (Meta's field name, e.g. `comments`, `mentions`). */
export const instagramWebhookSubject = (field: string): string =>
  `${INSTAGRAM_WEBHOOK_SUBJECT_PREFIX}.${field}`

/** Subject filters of the `instagram.webhook.*` consumers (un-namespaced). */
export const InstagramWebhookFilters = {
  /** Comments on the account's media (analytics-service stores them). */
  comments: instagramWebhookSubject('comments'),
} as const

/** Domain events published by the services (ARCHITECTURE.md event table). */
export const Subjects = {
  connectionConnected: 'social.connection.connected',
  connectionRefreshed: 'social.connection.refreshed',
  connectionReauthRequired: 'social.connection.reauth_required',
  connectionDisconnected: 'social.connection.disconnected',
  postCreated: 'social.post.created',
  postStatusChanged: 'social.post.status_changed',
  postPublished: 'social.post.published',
  postFailed: 'social.post.failed',
  metricsSynced: 'social.metrics.synced',
  /** A connection's posting quota moved (publish-service); public as `quota.changed`. */
  quotaChanged: 'social.quota.changed',
} as const

export type DomainSubject = (typeof Subjects)[keyof typeof Subjects]

/** Messages a consumer gave up on are re-published under `dlq.<original subject>`. */
export const DEAD_LETTER_PREFIX = 'dlq'
export const deadLetterSubject = (subject: string): string => `${DEAD_LETTER_PREFIX}.${subject}`

/** Public events (the CRM's catalogue, `public-events.ts`) are kept as `public.<tenant>.<type>`. */
export const PUBLIC_EVENT_SUBJECT_PREFIX = 'public'

/**
 * The subject token of a tenant id: the id itself when it is subject-safe (`[A-Za-z0-9_-]`),
 * otherwise `~` and the hex of its UTF-8 bytes, so no two tenants share a token and none holds `.`, `*`, `>`.
 */
export const tenantSubjectToken = (tenantId: string): string =>
  /^[A-Za-z0-9_-]+$/.test(tenantId)
    ? tenantId
    : `~${Array.from(new TextEncoder().encode(tenantId), (b) => b.toString(16).padStart(2, '0')).join('')}`

/** `public.<tenant>.<type>`, e.g. `public.acme.post.published` (un-namespaced). */
export const publicEventSubject = (tenantId: string, type: string): string =>
  `${PUBLIC_EVENT_SUBJECT_PREFIX}.${tenantSubjectToken(tenantId)}.${type}`

/** A JetStream stream declaration: name and the subjects it captures. */
export interface StreamSpec {
  name: string
  subjects: string[]
  /** Retention of messages, in seconds. */
  maxAgeSec: number
  /** Window in which a repeated `Nats-Msg-Id` is dropped as a duplicate, in seconds. */
  duplicateWindowSec: number
}

const DAY_SEC = 86_400

/**
 * Every stream of the system. Webhooks are kept 7 days: TikTok retries for 72 h and consumers may
 * lag. Their duplicate window (4 days) covers the whole 72 h retry span with a day to spare: a
 * retry carries the same bytes, hence the same `Nats-Msg-Id`, however late it comes, so it is
 * stored once. webhook-ingest's WEBHOOK_TOLERANCE_SEC may not exceed this window (docs/tiktok-api.md §0,
 * §4.1: whether TikTok re-signs retries is unconfirmed, so a late retry may carry its first `t`).
 */
export const Streams = {
  tiktokWebhooks: {
    name: 'TIKTOK_WEBHOOKS',
    subjects: [`${TIKTOK_WEBHOOK_SUBJECT_PREFIX}.>`],
    maxAgeSec: 7 * DAY_SEC,
    duplicateWindowSec: 4 * DAY_SEC,
  },
  /**
   * Instagram webhook changes: kept 7 days like TikTok's. Meta retries a failed delivery for up
   * to 36 h (docs/instagram-api.md "Webhooks"); the duplicate window (3 days) covers that span
   * twice, so a retried change (same deterministic `Nats-Msg-Id`) is stored once however late
   * it comes. webhook-ingest refuses changes older than its INSTAGRAM_WEBHOOK_MAX_AGE_SEC, which may
   * not exceed this window (an older replay could otherwise be stored again).
   */
  instagramWebhooks: {
    name: 'INSTAGRAM_WEBHOOKS',
    subjects: [`${INSTAGRAM_WEBHOOK_SUBJECT_PREFIX}.>`],
    maxAgeSec: 7 * DAY_SEC,
    duplicateWindowSec: 3 * DAY_SEC,
  },
  socialEvents: {
    name: 'SOCIAL_EVENTS',
    subjects: ['social.>'],
    maxAgeSec: 7 * DAY_SEC,
    duplicateWindowSec: 10 * 60,
  },
  /** Public events by tenant: kept 3 days, so SSE resumes (`Last-Event-ID`) reach back ≥ 24 h. */
  publicEvents: {
    name: 'PUBLIC_EVENTS',
    subjects: [`${PUBLIC_EVENT_SUBJECT_PREFIX}.>`],
    maxAgeSec: 3 * DAY_SEC,
    duplicateWindowSec: DAY_SEC,
  },
  deadLetters: {
    name: 'DEAD_LETTERS',
    subjects: [`${DEAD_LETTER_PREFIX}.>`],
    maxAgeSec: 30 * DAY_SEC,
    duplicateWindowSec: 10 * 60,
  },
} as const satisfies Record<string, StreamSpec>

/** `subject` under `namespace` (`''` means none): `ns.subject`. */
export const namespacedSubject = (namespace: string, subject: string): string =>
  namespace ? `${namespace}.${subject}` : subject

/** `stream` under `namespace`: stream names may not contain dots, so `NS_STREAM`. */
export const namespacedStream = (namespace: string, stream: StreamSpec): StreamSpec =>
  namespace
    ? {
        ...stream,
        name: `${namespace.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase()}_${stream.name}`,
        subjects: stream.subjects.map((s) => namespacedSubject(namespace, s)),
      }
    : stream
