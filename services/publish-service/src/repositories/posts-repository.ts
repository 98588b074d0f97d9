import { createHash, randomUUID } from 'node:crypto'
import { type CreatePostRequest, type PostListQuery, Subjects } from '@social-bridge/contracts'
import { type Database, enqueueEvent } from '@social-bridge/service-kit'
import { and, desc, eq, lt, or, TransactionRollbackError } from 'drizzle-orm'
import { outbox, type PostRow, postStatusHistory, posts } from '../db/schema.js'
import { sentPrivacyLevel } from '../domain/creator-rules.js'
import { decodeCursor, encodeCursor } from '../domain/post-cursor.js'
import { type Interactions, storedPostOptions } from '../domain/post-options.js'
import { publishMetrics } from '../metrics.js'
import type { Quota } from './quota.js'
import { findTenantRow } from './tenant-row.js'

/** What `create` needs beyond the request: who asks and what was learnt while checking it. */
export interface NewPost {
  tenantId: string
  userId: string
  request: CreatePostRequest
  idempotencyKey?: string
  /** Media size in bytes (FILE_UPLOAD). */
  videoSize?: number
  creatorUsername?: string
  /** Interaction flags after creator_info (a disabled one is forced on). */
  interactions: Interactions
}

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
   */
  create(input: NewPost): Promise<CreateResult>
  get(tenantId: string, id: string): Promise<PostRow | null>
  getById(id: string): Promise<PostRow | null>
  findByPublishId(publishId: string): Promise<PostRow | null>
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
      const result = await db
        .transaction(async (tx): Promise<CreateResult | null> => {
          if (request.mode === 'inbox') {
            const r = await quota.reserve(request.connectionId, 'inbox_share', id, tx)
            if (!r.ok) return { kind: 'inbox_cap', retryAfterSec: r.retryAfterSec }
          }
          const now = new Date()
          const [post] = await tx
            .insert(posts)
            .values({
              id,
              tenantId: input.tenantId,
              connectionId: request.connectionId,
              createdBy: input.userId,
              mode: request.mode,
              source,
              mediaId: 'mediaId' in request.source ? request.source.mediaId : null,
              videoUrl: 'url' in request.source ? request.source.url : null,
              title: request.title ?? null,
              privacyLevel: sentPrivacyLevel(request) ?? null,
              options: storedPostOptions(request, input.interactions),
              creatorUsername: input.creatorUsername ?? null,
              idempotencyKey: input.idempotencyKey ?? null,
              requestHash: requestHash(request),
              status: 'queued',
              phase: 'init',
              videoSize: input.videoSize ?? null,
              nextRunAt: now,
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
            .values({ postId: id, fromStatus: null, toStatus: 'queued', cause: 'api', at: now })
          await enqueueEvent(tx, outbox, {
            subject: Subjects.postCreated,
            aggregateId: id,
            tenantId: input.tenantId,
            data: { postId: id, connectionId: request.connectionId, mode: request.mode, source },
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

    get(tenantId, id) {
      return findTenantRow(db, posts, tenantId, id)
    },
    async getById(id) {
      const [row] = await db.select().from(posts).where(eq(posts.id, id))
      return row ?? null
    },
    async findByPublishId(publishId) {
      const [row] = await db.select().from(posts).where(eq(posts.publishId, publishId))
      return row ?? null
    },

    async list(tenantId, query) {
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
    history(postId) {
      return db
        .select()
        .from(postStatusHistory)
        .where(eq(postStatusHistory.postId, postId))
        .orderBy(postStatusHistory.id)
    },
  }
  return repo
}
