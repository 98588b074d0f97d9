import type { Sql } from 'postgres'
import type { Queryable } from './db-types.js'

/** The account a comment or media row belongs to. */
export interface CommentOwner {
  connectionId: string
  tenantId: string
  provider: string
}

/** A comment to store. `commentedAt` is exact (`timeExact`) only when read from the comments endpoint. */
export interface CommentFact {
  commentId: string
  mediaId: string
  parentId?: string | undefined
  text?: string | undefined
  username?: string | undefined
  /** Only the comments endpoint gives it. */
  likeCount?: number | undefined
  commentedAt: Date
  timeExact: boolean
  source: 'webhook' | 'sync'
}

/** A stored comment as the listing returns it. */
export interface StoredComment {
  commentId: string
  mediaId: string
  parentId: string | null
  text: string | null
  username: string | null
  likeCount: number | null
  commentedAt: Date
}

/** Position of a page in a post's comments: the last row of the previous page (newest first). */
export interface CommentPosition {
  commentedAt: Date
  commentId: string
}

/** A media whose comment sync a replica leased. */
export interface LeasedMedia extends CommentOwner {
  mediaId: string
  syncCursor: string | null
  syncFailures: number
}

/**
 * Comments on Instagram media (`analytics.comments`) and the media they are kept for
 * (`analytics.comment_media`: post ↔ media id ↔ comment sync state), docs/instagram-api.md
 * "Comments". Every write is an upsert on natural keys, so a redelivered event changes nothing.
 */
export interface CommentsRepository {
  /**
   * Upserts comments. A webhook's copy fills in what is missing and never replaces an exact time;
   * a sync's copy (exact `timestamp`, `like_count`) wins.
   * @returns how many rows were new.
   */
  upsertComments(q: Queryable, owner: CommentOwner, facts: CommentFact[]): Promise<number>
  /** `social.post.published` on Instagram: our post ↔ media id; its comment sync is due at once. */
  linkMedia(q: Queryable, owner: CommentOwner, input: { mediaId: string; postId: string }): Promise<void>
  /** A (re)connected account: the comment sync of each of its media is due at once. */
  makeConnectionDue(q: Queryable, connectionId: string): Promise<void>
  /** True when the tenant has a post with this id (Instagram media or an analytics post). */
  postKnown(tenantId: string, postId: string): Promise<boolean>
  /** A page of the post's comments, newest first, after `position`; `limit + 1` rows tell if more follow. */
  listForPost(input: {
    tenantId: string
    postId: string
    limit: number
    after?: CommentPosition | undefined
  }): Promise<StoredComment[]>
  /** Leases up to `limit` media whose sync is due (database clock), for `leaseMs`. */
  leaseDue(limit: number, leaseMs: number): Promise<LeasedMedia[]>
  /** Saves progress: the next page's cursor (the lease is kept). */
  saveCursor(connectionId: string, mediaId: string, cursor: string | null): Promise<void>
  /** The run's page cap was reached: due again at once (another run resumes from the cursor). */
  continueLater(connectionId: string, mediaId: string): Promise<void>
  /** The sync reached the end: not due until the next trigger. */
  finishSync(connectionId: string, mediaId: string): Promise<void>
  /** The sync failed: due again in `retryMs` (null = not again until the next trigger). */
  failSync(connectionId: string, mediaId: string, error: string, retryMs: number | null): Promise<void>
}

const COMMENT_COLUMNS = `c.comment_id as "commentId", c.media_id as "mediaId", c.parent_id as "parentId", c.text,
  c.username, c.like_count as "likeCount", c.commented_at as "commentedAt"`

/** Creates the repository on the pool `sql` (event handlers pass their transaction). */
export function createCommentsRepository({ sql }: { sql: Sql }): CommentsRepository {
  const cols = sql.unsafe(COMMENT_COLUMNS)
  return {
    async upsertComments(q, owner, facts) {
      let added = 0
      for (const f of facts) {
        const [row] = await q<{ added: boolean }[]>`
          insert into analytics.comments (connection_id, tenant_id, provider, comment_id, media_id, parent_id,
            text, username, like_count, commented_at, time_exact, source)
          values (${owner.connectionId}, ${owner.tenantId}, ${owner.provider}, ${f.commentId}, ${f.mediaId},
            ${f.parentId ?? null}, ${f.text ?? null}, ${f.username ?? null}, ${f.likeCount ?? null},
            ${f.commentedAt}, ${f.timeExact}, ${f.source})
          on conflict (connection_id, comment_id) do update set
            parent_id = coalesce(excluded.parent_id, comments.parent_id),
            text = case when excluded.time_exact then coalesce(excluded.text, comments.text)
              else coalesce(comments.text, excluded.text) end,
            username = coalesce(excluded.username, comments.username),
            like_count = coalesce(excluded.like_count, comments.like_count),
            commented_at = case when excluded.time_exact then excluded.commented_at else comments.commented_at end,
            time_exact = comments.time_exact or excluded.time_exact
          returning (xmax = 0) as added`
        if (row?.added) added++
      }
      return added
    },

    async linkMedia(q, owner, { mediaId, postId }) {
      await q`
        insert into analytics.comment_media (connection_id, tenant_id, provider, media_id, post_id, sync_due_at)
        values (${owner.connectionId}, ${owner.tenantId}, ${owner.provider}, ${mediaId}, ${postId}, now())
        on conflict (connection_id, media_id) do update set post_id = excluded.post_id,
          sync_due_at = coalesce(comment_media.sync_due_at, now())`
    },

    async makeConnectionDue(q, connectionId) {
      await q`
        update analytics.comment_media set sync_due_at = now(), sync_cursor = null, sync_failures = 0
        where connection_id = ${connectionId}`
    },

    async postKnown(tenantId, postId) {
      const [row] = await sql<{ known: boolean }[]>`
        select exists (select 1 from analytics.comment_media where post_id = ${postId} and tenant_id = ${tenantId})
          or exists (select 1 from analytics.posts where post_id = ${postId} and tenant_id = ${tenantId}) as known`
      return row?.known === true
    },

    async listForPost({ tenantId, postId, limit, after }) {
      const position = after
        ? sql`and (c.commented_at, c.comment_id) < (${after.commentedAt}, ${after.commentId})`
        : sql``
      return sql<StoredComment[]>`
        select ${cols} from analytics.comment_media m
        join analytics.comments c on c.connection_id = m.connection_id and c.media_id = m.media_id
        where m.post_id = ${postId} and m.tenant_id = ${tenantId} and c.tenant_id = ${tenantId} ${position}
        order by c.commented_at desc, c.comment_id desc
        limit ${limit + 1}`.then((rows) =>
        // like_count is a bigint: postgres.js reads it as a string
        rows.map((r) => ({ ...r, likeCount: r.likeCount === null ? null : Number(r.likeCount) })),
      )
    },

    async leaseDue(limit, leaseMs) {
      return sql<LeasedMedia[]>`
        with due as (
          select connection_id, media_id from analytics.comment_media
          where sync_due_at <= now() and (sync_lease_until is null or sync_lease_until < now())
          order by sync_due_at limit ${limit} for update skip locked)
        update analytics.comment_media m
          set sync_lease_until = now() + make_interval(secs => ${leaseMs / 1000})
        from due where m.connection_id = due.connection_id and m.media_id = due.media_id
        returning m.connection_id as "connectionId", m.tenant_id as "tenantId", m.provider, m.media_id as "mediaId",
          m.sync_cursor as "syncCursor", m.sync_failures as "syncFailures"`
    },

    async saveCursor(connectionId, mediaId, cursor) {
      await sql`update analytics.comment_media set sync_cursor = ${cursor}
        where connection_id = ${connectionId} and media_id = ${mediaId}`
    },

    async continueLater(connectionId, mediaId) {
      await sql`update analytics.comment_media set sync_due_at = now(), sync_lease_until = null
        where connection_id = ${connectionId} and media_id = ${mediaId}`
    },

    async finishSync(connectionId, mediaId) {
      await sql`
        update analytics.comment_media set sync_due_at = null, sync_lease_until = null, sync_cursor = null,
          last_synced_at = now(), sync_failures = 0, last_error = null
        where connection_id = ${connectionId} and media_id = ${mediaId}`
    },

    async failSync(connectionId, mediaId, error, retryMs) {
      await sql`
        update analytics.comment_media set sync_lease_until = null, last_error = ${error},
          sync_failures = sync_failures + 1,
          sync_due_at = case when ${retryMs}::float8 is null then null
            else now() + make_interval(secs => ${retryMs === null ? null : retryMs / 1000}::float8) end
        where connection_id = ${connectionId} and media_id = ${mediaId}`
    },
  }
}
