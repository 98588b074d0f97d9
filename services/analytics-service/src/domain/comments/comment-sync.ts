import { type AuthClient, AuthClientError } from '@social-bridge/auth-client'
import { commentMetrics } from '../../metrics.js'
import type { CommentFact, CommentsRepository, LeasedMedia } from '../../repositories/comments-repository.js'
import type { Queryable } from '../../repositories/db-types.js'

/** One page of a media's comments as the comments endpoint gives it (instagram-client `comments.list`). */
export interface CommentsPage {
  comments: {
    id: string
    text?: string | undefined
    username?: string | undefined
    likeCount?: number | undefined
    timestamp: Date
  }[]
  /** The `after` cursor of the next page; null at the end. */
  after: string | null
}

/** How a failed comments call should be treated (instagram-client's error `category`). */
export type CommentsCallFailure = 'rate_limited' | 'grant_invalid' | 'retryable' | 'failed'

/** Options of {@link createCommentSync}. */
export interface CommentSyncDeps {
  /** The pool the pages are upserted on. */
  sql: Queryable
  comments: CommentsRepository
  authClient: Pick<AuthClient, 'getAccessToken'>
  /** `GET /{ig-media-id}/comments` with `after` and `limit` (docs/instagram-api.md "Comments"). */
  listComments(
    accessToken: string,
    mediaId: string,
    page: { after?: string; limit: number },
  ): Promise<CommentsPage>
  /** The category of an error thrown by `listComments`, or undefined for an unknown error. */
  failureOf(err: unknown): CommentsCallFailure | undefined
  /** Comments per page (Graph's `limit`). */
  pageSize: number
  /** Pages per media per run: a longer thread resumes from its saved cursor on the next run. */
  maxPages: number
  /** Media leased per run. */
  batch: number
  /** How long a replica owns a leased media, ms. */
  leaseMs: number
  /** Retry delay after a transient failure, ms. */
  retryMs: number
  /** Retry delay after Instagram's rate limit (code 4/17/32/613/80002 or HTTP 429), ms. */
  rateLimitBackoffMs: number
  log?: { warn(obj: object, msg: string): void }
}

/** The comment sync of analytics-service (docs/instagram-api.md "Comments"). */
export interface CommentSync {
  /** Leases due media (any replica, `FOR UPDATE SKIP LOCKED`) and syncs them. @returns how many were leased. */
  runDue(): Promise<number>
}

/**
 * Creates the comment sync: for each due media, an access token from auth-service (used at once,
 * never stored), then the comments endpoint page by page (`pageSize` per page, at most `maxPages`
 * per run, the cursor saved after each page), each page upserted with Instagram's exact
 * `timestamp` and `like_count`. Instagram's rate limit → retried after `rateLimitBackoffMs`; a
 * dead grant or unusable connection → not retried until the account connects again; anything else
 * → retried after `retryMs`.
 */
export function createCommentSync(deps: CommentSyncDeps): CommentSync {
  async function syncMedia(m: LeasedMedia): Promise<void> {
    const owner = { connectionId: m.connectionId, tenantId: m.tenantId, provider: m.provider }
    let after = m.syncCursor ?? undefined
    try {
      const { accessToken } = await deps.authClient.getAccessToken(m.connectionId, { tenantId: m.tenantId })
      for (let page = 0; page < deps.maxPages; page++) {
        const res = await deps.listComments(accessToken, m.mediaId, {
          ...(after ? { after } : {}),
          limit: deps.pageSize,
        })
        const facts: CommentFact[] = res.comments.map((c) => ({
          commentId: c.id,
          mediaId: m.mediaId,
          text: c.text,
          username: c.username,
          likeCount: c.likeCount,
          commentedAt: c.timestamp,
          timeExact: true,
          source: 'sync',
        }))
        await deps.comments.upsertComments(deps.sql, owner, facts)
        if (res.after === null) {
          await deps.comments.finishSync(m.connectionId, m.mediaId)
          commentMetrics.commentSyncs.inc({ outcome: 'synced' })
          return
        }
        after = res.after
        await deps.comments.saveCursor(m.connectionId, m.mediaId, after)
      }
      // page cap reached: the rest on the next run, from the saved cursor
      await deps.comments.continueLater(m.connectionId, m.mediaId)
      commentMetrics.commentSyncs.inc({ outcome: 'partial' })
    } catch (err) {
      const [outcome, retryMs] = classify(err)
      commentMetrics.commentSyncs.inc({ outcome })
      deps.log?.warn(
        { err, mediaId: m.mediaId, connectionId: m.connectionId, outcome },
        'comment sync failed',
      )
      await deps.comments.failSync(m.connectionId, m.mediaId, outcome, retryMs)
    }
  }

  function classify(err: unknown): [string, number | null] {
    if (err instanceof AuthClientError) {
      return err.retryable ? ['failed', Math.max(deps.retryMs, err.retryAfterMs ?? 0)] : ['stale', null]
    }
    const failure = deps.failureOf(err)
    if (failure === 'rate_limited') return ['rate_limited', deps.rateLimitBackoffMs]
    if (failure === 'grant_invalid') return ['stale', null]
    return ['failed', deps.retryMs]
  }

  return {
    async runDue() {
      const leased = await deps.comments.leaseDue(deps.batch, deps.leaseMs)
      for (const m of leased) await syncMedia(m)
      return leased.length
    },
  }
}
