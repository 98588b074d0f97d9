import { createHash, randomUUID } from 'node:crypto'
import {
  type CreatePostRequest,
  type PostCreatedV1,
  type PostListQuery,
  Subjects,
} from '@social-bridge/contracts'
import { type Database, enqueueEvent } from '@social-bridge/service-kit'
import { and, asc, desc, eq, inArray, lt, or, type SQL, sql, TransactionRollbackError } from 'drizzle-orm'
import { outbox, type PostRow, postStatusHistory, posts } from '../db/schema.js'
import { sentPrivacyLevel } from '../domain/creator-rules.js'
import { decodeCursor, encodeCursor } from '../domain/post-cursor.js'
import { type Interactions, storedPostOptions } from '../domain/post-options.js'
import { publishMetrics } from '../metrics.js'
import { recordStatusChange, type Tx } from './post-record.js'
import type { Quota } from './quota.js'
import { tenantRowReader } from './tenant-row.js'

/** What `create` needs beyond the request: who asks and what was learnt while checking it. */
export interface NewPost {
  tenantId: string
  userId: string
  request: CreatePostRequest
  /** The connection's provider (contracts `Provider`), as auth-service handed out its token. */
  provider: string
  idempotencyKey?: string
  /** Media size in bytes (FILE_UPLOAD). */
  videoSize?: number
  creatorUsername?: string
  /** Interaction flags after creator_info (a disabled one is forced on). */
  interactions: Interactions
  /** Start at this time (checked by `checkScheduledAt`): the post is `scheduled` until then. */
  scheduledAt?: Date
}

/** Outcome of `reschedule` and `cancel`: done, or the post is not (any more) `scheduled` / not the tenant's. */
export type ScheduledChange =
  | { kind: 'changed'; post: PostRow }
  | { kind: 'not_scheduled'; post: PostRow }
  | { kind: 'not_found' }

/** Outcome of `create`. */
export type CreateResult =
  | { kind: 'created'; post: PostRow }
  | { kind: 'existing'; post: PostRow }
  | { kind: 'key_reused'; post: PostRow }
  | { kind: 'inbox_cap'; retryAfterSec: number }

/** Stable hash of a create request, to tell a retry from a different request with the same key. */
export function requestHash(request: CreatePostRequest): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
        )
      : v
  return createHash('sha256')
    .update(JSON.stringify(canonical(request)))
    .digest('hex')
}

/** Posts, scoped by tenant. */
export interface PostsRepository {
  /** The post an `Idempotency-Key` already names, compared with this request. */
  findByIdempotencyKey(
    tenantId: string,
    key: string,
    request: CreatePostRequest,
  ): Promise<CreateResult | null>
  /**
   * Creates a queued post with its first history row and `social.post.created` in one
   * transaction; an inbox post reserves one of the 5 drafts per 24 h (docs/tiktok-api.md §3.3) in it.
   * With `scheduledAt` the post is `scheduled` and due then (`next_run_at`); its inbox draft is
   * reserved when it starts (worker `steps/start.ts`), not now.
   */
  create(input: NewPost): Promise<CreateResult>
  /**
   * Writes `patch` (new time, title, privacy level, options) to a post that is `scheduled` and
   * not claimed by a worker (no live lease), under a row lock — so an edit and the start never
   * both win. A new `scheduledAt` moves `next_run_at` with it.
   */
  reschedule(tenantId: string, id: string, patch: Partial<PostRow>): Promise<ScheduledChange>
  /**
   * Cancels a `scheduled` post no worker has claimed: status `cancelled` (final), history row and
   * `social.post.status_changed` in one transaction; the job is never run.
   */
  cancel(tenantId: string, id: string): Promise<ScheduledChange>
  get(tenantId: string, id: string): Promise<PostRow | null>
  getById(id: string): Promise<PostRow | null>
  findByPublishId(publishId: string): Promise<PostRow | null>
  /** Which of `ids` (Instagram media ids) a post holds already (any tenant: media ids are global). */
  takenInstagramMediaIds(ids: string[]): Promise<Set<string>>
  /** Newest first; `cursor` is opaque (from `nextCursor`; an invalid one must be refused before). */
  list(tenantId: string, query: PostListQuery): Promise<{ items: PostRow[]; nextCursor: string | null }>
  history(postId: string): Promise<(typeof postStatusHistory.$inferSelect)[]>
}

export function createPostsRepository({
  db,
  quota,
  onCommitted,
}: {
  db: Database
  quota: Quota
  onCommitted?: () => void
}): PostsRepository {
  const compare = (post: PostRow, request: CreatePostRequest): CreateResult =>
    post.requestHash === requestHash(request) ? { kind: 'existing', post } : { kind: 'key_reused', post }

  const historyOf = db
    .select()
    .from(postStatusHistory)
    .where(eq(postStatusHistory.postId, sql.placeholder('postId')))
    .orderBy(postStatusHistory.id)
    .prepare('publish_post_history')

  const repo: PostsRepository = {
    async findByIdempotencyKey(tenantId, key, request) {
      const [post] = await db
        .select()
        .from(posts)
        .where(and(eq(posts.tenantId, tenantId), eq(posts.idempotencyKey, key)))
      return post ? compare(post, request) : null
    },

    async create(input) {
      const { request } = input
      const id = randomUUID()
      const source = 'mediaId' in request.source ? 'FILE_UPLOAD' : 'PULL_FROM_URL'
      const photos = 'photos' in request.source ? request.source : null
      const status = input.scheduledAt ? 'scheduled' : 'queued'
      const result = await db
        .transaction(async (tx): Promise<CreateResult | null> => {
          if (request.mode === 'inbox' && !input.scheduledAt) {
            const r = await quota.reserve(request.connectionId, 'inbox_share', id, tx)
            if (!r.ok) return { kind: 'inbox_cap', retryAfterSec: r.retryAfterSec }
            await quota.announce(request.connectionId, input.tenantId, tx)
          }
          const now = new Date()
          const [post] = await tx
            .insert(posts)
            .values({
              id,
              tenantId: input.tenantId,
              provider: input.provider,
              connectionId: request.connectionId,
              createdBy: input.userId,
              mode: request.mode,
              source,
              mediaId: 'mediaId' in request.source ? request.source.mediaId : null,
              videoUrl: 'url' in request.source ? request.source.url : null,
              mediaType: photos ? 'PHOTO' : 'VIDEO',
              photos: photos?.photos ?? null,
              coverIndex: photos ? (photos.coverIndex ?? 0) : null,
              scheduledAt: input.scheduledAt ?? null,
              title: request.title ?? null,
              privacyLevel: sentPrivacyLevel(request) ?? null,
              options: storedPostOptions(request, input.interactions),
              creatorUsername: input.creatorUsername ?? null,
              idempotencyKey: input.idempotencyKey ?? null,
              requestHash: requestHash(request),
              status,
              phase: 'init',
              videoSize: input.videoSize ?? null,
              nextRunAt: input.scheduledAt ?? now,
              createdAt: now,
              updatedAt: now,
            })
            .onConflictDoNothing({ target: [posts.tenantId, posts.idempotencyKey] })
            .returning()
          if (!post) {
            tx.rollback() // a concurrent create with the same key won; read it below
          }
          const created = post as PostRow
          await tx
            .insert(postStatusHistory)
            .values({ postId: id, fromStatus: null, toStatus: status, cause: 'api', at: now })
          await enqueueEvent(tx, outbox, {
            subject: Subjects.postCreated,
            aggregateId: id,
            tenantId: input.tenantId,
            data: {
              postId: id,
              connectionId: request.connectionId,
              provider: input.provider as PostCreatedV1['provider'],
              mode: request.mode,
              source,
            },
            occurredAt: now,
          })
          publishMetrics.created.inc({ mode: request.mode, source })
          return { kind: 'created', post: created }
        })
        .catch(async (err) => {
          if (input.idempotencyKey && err instanceof TransactionRollbackError) return null
          throw err
        })
      if (result) {
        onCommitted?.()
        return result
      }
      const existing = await repo.findByIdempotencyKey(
        input.tenantId,
        input.idempotencyKey as string,
        request,
      )
      if (!existing) throw new Error('idempotency conflict without a stored post')
      return existing
    },

    reschedule(tenantId, id, patch) {
      return changeScheduled(db, tenantId, id, onCommitted, async (tx, row) => {
        const set = { ...patch, ...(patch.scheduledAt ? { nextRunAt: patch.scheduledAt } : {}) }
        const now = new Date()
        await tx
          .update(posts)
          .set({ ...set, updatedAt: now })
          .where(eq(posts.id, row.id))
        return { ...row, ...set, updatedAt: now }
      })
    },
    cancel(tenantId, id) {
      return changeScheduled(db, tenantId, id, onCommitted, (tx, row) =>
        recordStatusChange(tx, row, 'cancelled', { phase: 'done', nextRunAt: null }, { cause: 'api' }),
      )
    },

    get: tenantRowReader(db, posts, 'publish_post_of_tenant'),
    async getById(id) {
      const [row] = await db.select().from(posts).where(eq(posts.id, id))
      return row ?? null
    },
    async takenInstagramMediaIds(ids) {
      if (ids.length === 0) return new Set()
      const rows = await db
        .select({ id: posts.instagramMediaId })
        .from(posts)
        .where(inArray(posts.instagramMediaId, ids))
      return new Set(rows.flatMap((r) => (r.id ? [r.id] : [])))
    },
    async findByPublishId(publishId) {
      const [row] = await db.select().from(posts).where(eq(posts.publishId, publishId))
      return row ?? null
    },

    async list(tenantId, query) {
      if (query.from || query.to) return listCalendar(db, tenantId, query)
      const limit = query.limit ?? 20
      const conditions = [eq(posts.tenantId, tenantId)]
      if (query.connectionId) conditions.push(eq(posts.connectionId, query.connectionId))
      if (query.status) conditions.push(eq(posts.status, query.status))
      const cursor = query.cursor ? decodeCursor(query.cursor) : null
      if (cursor) {
        const c = or(
          lt(posts.createdAt, cursor.createdAt),
          and(eq(posts.createdAt, cursor.createdAt), lt(posts.id, cursor.id)),
        )
        if (c) conditions.push(c)
      }
      const rows = await db
        .select()
        .from(posts)
        .where(and(...conditions))
        .orderBy(desc(posts.createdAt), desc(posts.id))
        .limit(limit + 1)
      const items = rows.slice(0, limit)
      const last = items[items.length - 1]
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
      }
    },
    history: (postId) => historyOf.execute({ postId }),
  }
  return repo
}

/**
 * Runs `change` on the tenant's post `id` under a row lock when it is `scheduled` and no worker
 * holds a live lease on it (a claimed post is starting: too late to change it).
 */
async function changeScheduled(
  db: Database,
  tenantId: string,
  id: string,
  onCommitted: (() => void) | undefined,
  change: (tx: Tx, row: PostRow) => Promise<PostRow>,
): Promise<ScheduledChange> {
  const result = await db.transaction(async (tx): Promise<ScheduledChange> => {
    const [row] = await tx
      .select()
      .from(posts)
      .where(and(eq(posts.id, id), eq(posts.tenantId, tenantId)))
      .for('update')
    if (!row) return { kind: 'not_found' }
    const claimed = row.leaseUntil !== null && row.leaseUntil > new Date()
    if (row.status !== 'scheduled' || claimed) return { kind: 'not_scheduled', post: row }
    return { kind: 'changed', post: await change(tx, row) }
  })
  if (result.kind === 'changed') onCommitted?.()
  return result
}

/**
 * A calendar page: the tenant's posts whose time (`scheduled_at`, else `created_at`) lies in
 * [`from`, `to`), earliest first; the cursor holds the last item's time and id.
 */
async function listCalendar(db: Database, tenantId: string, query: PostListQuery) {
  const limit = query.limit ?? 20
  const at = sql<Date>`coalesce(${posts.scheduledAt}, ${posts.createdAt})`
  const conditions: (SQL | undefined)[] = [eq(posts.tenantId, tenantId)]
  if (query.connectionId) conditions.push(eq(posts.connectionId, query.connectionId))
  if (query.status) conditions.push(eq(posts.status, query.status))
  if (query.from) conditions.push(sql`${at} >= ${query.from}::timestamptz`)
  if (query.to) conditions.push(sql`${at} < ${query.to}::timestamptz`)
  const cursor = query.cursor ? decodeCursor(query.cursor) : null
  if (cursor) {
    conditions.push(
      sql`(${at} > ${cursor.createdAt.toISOString()}::timestamptz or (${at} = ${cursor.createdAt.toISOString()}::timestamptz and ${posts.id} > ${cursor.id}))`,
    )
  }
  const rows = await db
    .select()
    .from(posts)
    .where(and(...conditions))
    .orderBy(asc(at), asc(posts.id))
    .limit(limit + 1)
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return {
    items,
    nextCursor:
      rows.length > limit && last ? encodeCursor(last.scheduledAt ?? last.createdAt, last.id) : null,
  }
}
