import type { Database } from '@social-bridge/service-kit'
import { and, asc, eq, inArray, isNull, lt, lte, or, type SQL } from 'drizzle-orm'
import { type PostRow, posts } from '../db/schema.js'

/** The worker lost its lease on a post (another replica owns it now): stop without writing. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError'
}

/**
 * The posts table is the job queue. A job is due when `next_run_at <= now()`; a replica claims
 * it with `FOR UPDATE SKIP LOCKED` and a lease (`lease_owner`, `lease_until`), renews the lease
 * while it works, and every write it makes is fenced by `lease_owner`. A crashed replica's jobs
 * are claimable again once its lease lapses.
 */
export interface JobQueue {
  /** Claims up to `limit` due jobs for `owner` for `leaseMs`. */
  claim(owner: string, leaseMs: number, limit: number): Promise<PostRow[]>
  /** Extends the lease; false when `owner` no longer holds it. */
  renew(postId: string, owner: string, leaseMs: number): Promise<boolean>
  /** Writes `patch` while keeping the lease; false when the lease was lost. */
  update(postId: string, owner: string, patch: Partial<PostRow>): Promise<boolean>
  /** Writes `patch` and gives the lease up; false when the lease was lost. */
  release(postId: string, owner: string, patch?: Partial<PostRow>): Promise<boolean>
  /**
   * Marks the post `initiating` (init call about to be sent) with `initCount`, only while
   * `owner` holds the lease AND the post is still in phase `init` without a `publish_id` — a
   * late init result recorded meanwhile (post-state `recordInit`) is never overwritten.
   * @returns false when not marked: re-read the post before doing anything else.
   */
  markInitiating(postId: string, owner: string, initCount: number): Promise<boolean>
}

export function createJobQueue({ db }: { db: Database }): JobQueue {
  /** Writes `set` to the post only while `owner` holds its lease (and `also` holds); true when written. */
  const writeFenced = async (postId: string, owner: string, set: Partial<PostRow>, also?: SQL) => {
    const rows = await db
      .update(posts)
      .set(set)
      .where(and(eq(posts.id, postId), eq(posts.leaseOwner, owner), also))
      .returning({ id: posts.id })
    return rows.length === 1
  }
  return {
    claim(owner, leaseMs, limit) {
      return db.transaction(async (tx) => {
        const now = new Date()
        const due = await tx
          .select({ id: posts.id })
          .from(posts)
          .where(and(lte(posts.nextRunAt, now), or(isNull(posts.leaseUntil), lt(posts.leaseUntil, now))))
          .orderBy(asc(posts.nextRunAt))
          .limit(limit)
          .for('update', { skipLocked: true })
        if (due.length === 0) return []
        // Running now: whatever the post waited for is over (set again if it must wait more).
        return tx
          .update(posts)
          .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs), waitReason: null })
          .where(
            inArray(
              posts.id,
              due.map((d) => d.id),
            ),
          )
          .returning()
      })
    },
    renew(postId, owner, leaseMs) {
      return writeFenced(postId, owner, { leaseUntil: new Date(Date.now() + leaseMs) })
    },
    update(postId, owner, patch) {
      return writeFenced(postId, owner, { ...patch, updatedAt: new Date() })
    },
    release(postId, owner, patch = {}) {
      return writeFenced(postId, owner, {
        ...patch,
        leaseOwner: null,
        leaseUntil: null,
        updatedAt: new Date(),
      })
    },
    markInitiating(postId, owner, initCount) {
      const set = { phase: 'initiating', initCount, waitReason: null, updatedAt: new Date() }
      return writeFenced(postId, owner, set, and(eq(posts.phase, 'init'), isNull(posts.publishId)))
    },
  }
}
