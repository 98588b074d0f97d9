import { columns, outboxTable, type StoredTraceContext } from '@social-bridge/service-kit'
import { toSnakeCase } from 'drizzle-orm/casing'
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core'

/**
 * analytics-service owns this schema (ARCHITECTURE.md "Data ownership"): the accounts and videos
 * it tracks, the append-only metric time series, the shared TikTok call budget, processed event
 * ids and the outbox of `social.metrics.synced`. Every tracked row has a `provider` column.
 */
export const analytics = pgSchema('analytics')

/**
 * Count columns as TikTok returns them (int64, read as JS numbers), named by their keys
 * (`videoCount` → column `video_count`).
 */
function counts<K extends string>(...keys: K[]) {
  const count = (name: string) => bigint(name, { mode: 'number' }).notNull()
  return Object.fromEntries(keys.map((key) => [key, count(toSnakeCase(key))])) as Record<
    K,
    ReturnType<typeof count>
  >
}

/** The account a row is about: its connection, the connection's tenant and provider. */
const accountColumns = () => ({
  connectionId: uuid('connection_id').notNull(),
  tenantId: text('tenant_id').notNull(),
  provider: text('provider').notNull().default('tiktok'),
})

/** The columns of a row of an append-only time series: its id, the account, and when it was measured. */
const measurement = () => ({
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  ...accountColumns(),
  measuredAt: columns.timestamptz('measured_at').notNull(),
})

/**
 * A connected account we sync. `status`: `active` (synced) or `stale` (reauth required,
 * disconnected, revoked: skipped and shown as stale). `statusAt` is the `occurredAt` of the
 * event that set the status, so an older event arriving late cannot undo a newer one.
 */
export const connections = analytics.table(
  'connections',
  {
    id: uuid('id').primaryKey(),
    tenantId: columns.tenantId(),
    provider: columns.provider(),
    /** Unknown until a `connected` event or the catch-up list names it. */
    openId: text('open_id'),
    scopes: columns.textArray('scopes'),
    status: text('status').notNull(),
    staleReason: text('stale_reason'),
    statusAt: columns.timestamptz('status_at').notNull(),
    /** When the scheduler should sync it next (app clock); null = nothing to do. */
    nextSyncAt: columns.timestamptz('next_sync_at'),
    /** Set by `POST …/sync`: the next sync queries every tracked video, due or not. */
    fullSyncRequested: boolean('full_sync_requested').notNull().default(false),
    /** Last accepted on-demand sync (app clock): at most one per 5 minutes. */
    manualSyncAt: columns.timestamptz('manual_sync_at'),
    lastSyncedAt: columns.timestamptz('last_synced_at'),
    /** Last video list import (app clock); null = never imported. */
    videosListedAt: columns.timestamptz('videos_listed_at'),
    /** Scheduler lease (database clock): a replica owns the account until then, renewed while it syncs. */
    leaseUntil: columns.timestamptz('lease_until'),
    /** Token of the lease (new per lease): only its holder may renew it or store the sync's result. */
    leaseOwner: uuid('lease_owner'),
    /**
     * Where an interrupted video list import resumes: the last page's `cursor` (Unix ms,
     * docs/tiktok-api.md §2.3); null = start from now.
     */
    videosListCursor: bigint('videos_list_cursor', { mode: 'number' }),
    syncFailures: integer('sync_failures').notNull().default(0),
    lastError: text('last_error'),
    createdAt: columns.createdAt(),
    /**
     * The trace of the event that made the account due (`connected`; null when tracing is off):
     * the next sync continues it, and its lease clears it (docs/operations.md "Tracing").
     */
    syncTraceContext: jsonb('sync_trace_context').$type<StoredTraceContext>(),
  },
  (t) => [
    index('connections_due_idx').on(t.status, t.nextSyncAt),
    index('connections_open_id_idx').on(t.provider, t.openId),
    index('connections_tenant_idx').on(t.tenantId),
  ],
)

/** A video of a tracked account (TikTok id: 19-digit string). */
export const videos = analytics.table(
  'videos',
  {
    ...accountColumns(),
    videoId: text('video_id').notNull(),
    /** TikTok `create_time` (docs/tiktok-api.md §2.5); null until a list or query returned it. */
    createdOnProviderAt: columns.timestamptz('created_on_provider_at'),
    title: text('title'),
    shareUrl: text('share_url'),
    firstSeenAt: columns.timestamptz('first_seen_at').notNull(),
    /** Null once the video is older than the cadence's last step (tracking stopped). */
    nextSyncAt: columns.timestamptz('next_sync_at'),
    lastSyncedAt: columns.timestamptz('last_synced_at'),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.videoId] }),
    index('videos_due_idx').on(t.connectionId, t.nextSyncAt),
  ],
)

/** Our post (publish-service UUID) and its TikTok `publish_id`. */
export const posts = analytics.table(
  'posts',
  {
    postId: uuid('post_id').primaryKey(),
    ...accountColumns(),
    publishId: text('publish_id').notNull(),
  },
  (t) => [index('posts_publish_idx').on(t.provider, t.publishId)],
)

/** Video ids a `publish_id` produced (from `social.post.published` or the publicly_available webhook). */
export const publishVideos = analytics.table(
  'publish_videos',
  {
    provider: columns.provider(),
    publishId: text('publish_id').notNull(),
    videoId: text('video_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.publishId, t.videoId] })],
)

/**
 * Append-only: one row per video (TikTok) or Reel (Instagram) per sync. Counts as the provider
 * returns them (views int64); `reach` and `saved` are Instagram insights, null for TikTok.
 */
export const videoMetricsSnapshots = analytics.table(
  'video_metrics_snapshots',
  {
    ...measurement(),
    videoId: text('video_id').notNull(),
    ...counts('views', 'likes', 'comments', 'shares'),
    reach: bigint('reach', { mode: 'number' }),
    saved: bigint('saved', { mode: 'number' }),
  },
  (t) => [index('video_snapshots_series_idx').on(t.connectionId, t.videoId, t.measuredAt)],
)

/**
 * Append-only: one row per account per sync (TikTok `user.info.stats`, docs/tiktok-api.md §2.2;
 * Instagram profile counts and account `reach` of the last day, docs/instagram-api.md "Insights").
 * Instagram has no account like count: `likes` is 0 there; `reach` is null for TikTok.
 */
export const accountStatsSnapshots = analytics.table(
  'account_stats_snapshots',
  {
    ...measurement(),
    ...counts('followers', 'following', 'likes', 'videoCount'),
    reach: bigint('reach', { mode: 'number' }),
  },
  (t) => [index('account_snapshots_series_idx').on(t.connectionId, t.measuredAt)],
)

/** Sliding-window log of TikTok calls, shared by every replica; `key` = `<client_key>:<endpoint>`. */
export const apiCalls = analytics.table(
  'api_calls',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    at: columns.timestamptz('at').notNull(),
  },
  (t) => [index('api_calls_key_at_idx').on(t.key, t.at)],
)

/** After a 429 from TikTok, every replica waits until `blockedUntil` (database clock) on that key. */
export const apiBlocks = analytics.table('api_blocks', {
  key: text('key').primaryKey(),
  blockedUntil: columns.timestamptz('blocked_until').notNull(),
})

/**
 * Instagram's rate-limit usage as its headers last reported it (docs/instagram-api.md "Rate limits"),
 * per key — `instagram:app` (`X-App-Usage`) and `instagram:account:<ig-user-id>`
 * (`X-Business-Use-Case-Usage`) — shared by every replica. `usagePct` is the highest of
 * `call_count`, `total_cputime`, `total_time`; no call is made on the key before `resumeAt`
 * (app clock, like the accounts' due times).
 */
export const apiUsage = analytics.table('api_usage', {
  key: text('key').primaryKey(),
  usagePct: integer('usage_pct').notNull(),
  observedAt: columns.timestamptz('observed_at').notNull(),
  resumeAt: columns.timestamptz('resume_at'),
})

/**
 * Instagram media whose comments we keep (docs/instagram-api.md "Comments"): our post ↔ the IG
 * media id (from `social.post.published` with `instagramMediaId`), per connection, with the state
 * of the comment sync that fills in comments made before the post was known or the account
 * connected. Times of the sync are the database clock.
 */
export const commentMedia = analytics.table(
  'comment_media',
  {
    ...accountColumns(),
    mediaId: text('media_id').notNull(),
    /** Our post (publish-service UUID). */
    postId: uuid('post_id').notNull(),
    /** When the comment sync should run next; null = nothing to do. */
    syncDueAt: columns.timestamptz('sync_due_at'),
    /** A replica owns the sync until then. */
    syncLeaseUntil: columns.timestamptz('sync_lease_until'),
    /** Where an interrupted sync resumes: the `after` cursor of the next page; null = from the start. */
    syncCursor: text('sync_cursor'),
    lastSyncedAt: columns.timestamptz('last_synced_at'),
    syncFailures: integer('sync_failures').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.mediaId] }),
    index('comment_media_post_idx').on(t.postId),
    index('comment_media_due_idx').on(t.syncDueAt),
  ],
)

/**
 * Comments on Instagram media of tracked accounts, one row per connection and IG Comment id
 * (webhooks and the sync upsert it: idempotent). `commentedAt` is Instagram's `timestamp` once the
 * sync read it (`timeExact`); before, when Meta sent the webhook (which carries no comment time).
 */
export const comments = analytics.table(
  'comments',
  {
    ...accountColumns(),
    commentId: text('comment_id').notNull(),
    mediaId: text('media_id').notNull(),
    parentId: text('parent_id'),
    text: text('text'),
    username: text('username'),
    /** Likes of the comment at the last sync; null until a sync read it. */
    likeCount: bigint('like_count', { mode: 'number' }),
    commentedAt: columns.timestamptz('commented_at').notNull(),
    timeExact: boolean('time_exact').notNull().default(false),
    /** Who told us first: `webhook` or `sync`. */
    source: text('source').notNull(),
    firstSeenAt: columns.timestamptz('first_seen_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.connectionId, t.commentId] }),
    index('comments_media_time_idx').on(t.connectionId, t.mediaId, t.commentedAt, t.commentId),
  ],
)

/** Envelope ids already applied (dedupe of redeliveries and re-publishes). */
export const processedEvents = analytics.table('processed_events', {
  eventId: text('event_id').primaryKey(),
  subject: text('subject').notNull(),
  processedAt: columns.timestamptz('processed_at').notNull().defaultNow(),
})

/** Transactional outbox (service-kit `createOutbox`) of `social.metrics.synced`; aggregate = connection id. */
export const outbox = outboxTable(analytics)
