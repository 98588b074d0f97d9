import { columns, outboxTable } from '@social-bridge/service-kit'
import {
  bigint,
  bigserial,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

/** publish-service owns the `publish` schema (ARCHITECTURE.md "Data ownership"). */
export const publishSchema = pgSchema('publish')

/** The leading columns of a row a tenant owns: its id, the tenant and the provider it is about. */
const tenantOwned = () => ({
  id: uuid('id').primaryKey(),
  tenantId: text('tenant_id').notNull(),
  provider: text('provider').notNull().default('tiktok'),
})

/** Stored videos (bytes live in the JetStream object store under `objectName`). Sizes in bytes. */
export const media = publishSchema.table(
  'media',
  {
    ...tenantOwned(),
    objectName: text('object_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    durationSec: doublePrecision('duration_sec'),
    width: integer('width'),
    height: integer('height'),
    frameRate: doublePrecision('frame_rate'),
    codec: text('codec'),
    createdBy: text('created_by').notNull(),
    createdAt: columns.createdAt(),
  },
  (t) => [index('media_tenant_idx').on(t.tenantId, t.createdAt)],
)

/**
 * One publish request and its job state. `status` is what the CRM sees; `phase` is where the
 * worker stands (see src/workers/README.md). Lease columns let replicas share the work.
 */
export const posts = publishSchema.table(
  'posts',
  {
    ...tenantOwned(),
    connectionId: uuid('connection_id').notNull(),
    createdBy: text('created_by').notNull(),
    /** TikTok `direct` / `inbox`; Instagram `reel` (contracts `PostMode`). */
    mode: text('mode').$type<'direct' | 'inbox' | 'reel'>().notNull(),
    source: text('source').$type<'FILE_UPLOAD' | 'PULL_FROM_URL'>().notNull(),
    mediaId: uuid('media_id'),
    videoUrl: text('video_url'),
    /** `PHOTO` for a photo carousel (docs/tiktok-api.md §3.4: content/init, always PULL_FROM_URL). */
    mediaType: text('media_type').$type<'VIDEO' | 'PHOTO'>().notNull().default('VIDEO'),
    /** A photo post's photos in order: stored media (`mediaId`) or verified URLs (`url`). */
    photos: jsonb('photos').$type<PhotoRef[]>(),
    /** 0-based index of the cover photo (TikTok's `photo_cover_index`). */
    coverIndex: integer('cover_index'),
    /** When a scheduled post starts; null for one made to start at once. */
    scheduledAt: columns.timestamptz('scheduled_at'),
    title: text('title'),
    /** Direct posts only; null for inbox drafts (the creator picks it in the TikTok app, docs/tiktok-api.md §3.3). */
    privacyLevel: text('privacy_level'),
    /** camelCase `CreatePostRequest` interaction/brand flags as sent by the CRM. */
    options: jsonb('options').$type<PostOptions>().notNull(),
    creatorUsername: text('creator_username'),
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash'),
    status: text('status').notNull(),
    phase: text('phase').notNull(),
    /**
     * The network's id of the publishing attempt, recorded before anything is published: TikTok's
     * `publish_id`, or for a Reel the Instagram container id (docs/instagram-api.md "Publishing").
     */
    publishId: text('publish_id'),
    /** A Reel's Instagram media id (`media_publish`'s answer), once published. */
    instagramMediaId: text('instagram_media_id'),
    /**
     * TikTok's FILE_UPLOAD `upload_url` — a credential (its `upload_token`) — sealed
     * (`upload-url-vault.ts`, JWE); kept only while the post is uploading, cleared when it moves on.
     */
    uploadUrlSealed: text('upload_url_sealed'),
    uploadUrlExpiresAt: columns.timestamptz('upload_url_expires_at'),
    videoSize: bigint('video_size', { mode: 'number' }),
    chunkSize: bigint('chunk_size', { mode: 'number' }),
    totalChunkCount: integer('total_chunk_count'),
    /** Index of the next chunk to send (= chunks TikTok acknowledged). */
    nextChunk: integer('next_chunk').notNull().default(0),
    uploadedBytes: bigint('uploaded_bytes', { mode: 'number' }).notNull().default(0),
    tiktokPostIds: columns.textArray('tiktok_post_ids'),
    failReason: text('fail_reason'),
    failMessage: text('fail_message'),
    initCount: integer('init_count').notNull().default(0),
    /** Consecutive transient failures of the current step. */
    attempts: integer('attempts').notNull().default(0),
    pollCount: integer('poll_count').notNull().default(0),
    /** Status polling gives up at this time (init + POLL_DEADLINE_MS, later the slower deadlines). */
    pollDeadlineAt: columns.timestamptz('poll_deadline_at'),
    nextRunAt: columns.timestamptz('next_run_at'),
    /**
     * Why the job is held back until `next_run_at` (a TikTok limit, an outage, an init retried
     * after an unknown outcome — see `wait-reasons.ts`); null while it runs or is not waiting.
     */
    waitReason: text('wait_reason'),
    leaseOwner: text('lease_owner'),
    leaseUntil: columns.timestamptz('lease_until'),
    createdAt: columns.createdAt(),
    updatedAt: columns.timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('posts_idempotency_uq').on(t.tenantId, t.idempotencyKey),
    index('posts_publish_id_idx').on(t.publishId),
    index('posts_due_idx').on(t.nextRunAt),
    index('posts_tenant_idx').on(t.tenantId, t.createdAt, t.id),
    index('posts_calendar_idx').on(t.tenantId, t.scheduledAt),
    index('posts_connection_schedule_idx').on(t.connectionId, t.scheduledAt),
  ],
)

/** One photo of a photo post: a stored JPEG/WebP or a URL under a verified prefix. */
export type PhotoRef = { mediaId: string } | { url: string }

/** Interaction and brand flags of a post (docs/tiktok-api.md §3.2 `post_info`). */
export interface PostOptions {
  disableComment?: boolean
  disableDuet?: boolean
  disableStitch?: boolean
  coverTimestampMs?: number
  brandContentToggle?: boolean
  brandOrganicToggle?: boolean
  isAigc?: boolean
  /** Photo posts: the caption under the photos (docs/tiktok-api.md §3.4 `description`). */
  description?: string
  /** Photo direct posts: TikTok's `auto_add_music`. */
  autoAddMusic?: boolean
  /** Reels: Instagram's `caption`, `share_to_feed`, `cover_url` and `thumb_offset` (ms), docs/instagram-api.md "Publishing". */
  caption?: string
  shareToFeed?: boolean
  coverUrl?: string
  thumbOffsetMs?: number
}

/** Every status change of a post, with its time. */
export const postStatusHistory = publishSchema.table(
  'post_status_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    postId: uuid('post_id').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    publishId: text('publish_id'),
    failReason: text('fail_reason'),
    /**
     * Why a row was written without a status change (`from_status` = `to_status`), e.g.
     * `init_outcome_unknown_retry` or `upload_url_expired` (messages in `wait-reasons.ts`).
     */
    reason: text('reason'),
    /** What caused it: `api`, `worker`, `poll`, `webhook`. */
    cause: text('cause').notNull(),
    at: columns.timestamptz('at').notNull().defaultNow(),
  },
  (t) => [index('post_status_history_post_idx').on(t.postId, t.id)],
)

/** Transactional outbox (service-kit `createOutbox`): events written with the state change; aggregate = post id. */
export const outbox = outboxTable(publishSchema)

/** Calls counted against TikTok's per-token limits (init, creator_info, status) and the inbox cap, per connection. */
export const quotaEvents = publishSchema.table(
  'quota_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    connectionId: uuid('connection_id').notNull(),
    provider: columns.provider(),
    kind: text('kind').$type<QuotaKind>().notNull(),
    postId: uuid('post_id'),
    at: columns.timestamptz('at').notNull().defaultNow(),
  },
  (t) => [index('quota_events_idx').on(t.connectionId, t.kind, t.at)],
)

/**
 * `init`: video/inbox init calls (6/min); `creator_info`: creator_info queries (20/min);
 * `status`: status fetches (30/min); `inbox_share`: inbox drafts (5/24 h); `direct_post`: direct
 * posts sent to TikTok (about 15 a day per creator). docs/tiktok-api.md §5, §3.3, §3.10.
 */
export type QuotaKind = 'init' | 'creator_info' | 'status' | 'inbox_share' | 'direct_post'

export type MediaRow = typeof media.$inferSelect
export type PostRow = typeof posts.$inferSelect
