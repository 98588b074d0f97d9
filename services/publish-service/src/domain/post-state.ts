import type { Database } from '@social-bridge/service-kit'
import { eq } from 'drizzle-orm'
import { type PostRow, posts } from '../db/schema.js'
import {
  type Actor,
  emitPublished,
  type PostStatus,
  recordStatusChange as record,
  recordNote,
  type Tx,
} from '../repositories/post-record.js'
import { failMessage } from './fail-reasons.js'
import { followUpAfter, type PollTiming } from './follow-up.js'

export type { Actor, PostStatus } from '../repositories/post-record.js'
export type { PollTiming } from './follow-up.js'

/** What TikTok said about a publish (status fetch §3.8, or a webhook §4.4), in our words. */
export interface TikTokObservation {
  status: 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'SEND_TO_USER_INBOX' | 'PUBLISH_COMPLETE' | 'FAILED'
  failReason?: string
  /** 19-digit post ids as strings. */
  postIds?: string[]
}

const RANK: Record<Exclude<PostStatus, 'failed' | 'cancelled'>, number> = {
  scheduled: -1,
  queued: 0,
  uploading: 1,
  processing: 2,
  sent_to_inbox: 3,
  published: 4,
}

/**
 * Whether `from → to` moves forward: statuses never go back; `failed`, `published` and
 * `cancelled` are final, and only a `scheduled` post can be cancelled.
 */
export function canMove(from: PostStatus, to: PostStatus): boolean {
  if (from === 'failed' || from === 'cancelled' || from === to) return false
  if (to === 'cancelled') return from === 'scheduled'
  if (to === 'failed') return from !== 'published'
  if (from === 'published') return false
  return (RANK[to as keyof typeof RANK] ?? -1) > (RANK[from as keyof typeof RANK] ?? -1)
}

function toStatus(obs: TikTokObservation): PostStatus {
  switch (obs.status) {
    case 'PUBLISH_COMPLETE':
      return 'published'
    case 'SEND_TO_USER_INBOX':
      return 'sent_to_inbox'
    case 'FAILED':
      return 'failed'
    default:
      return 'processing'
  }
}

/**
 * Post status changes, each stored with its time (post_status_history) and emitted through the
 * outbox in the same transaction: `social.post.status_changed` always, `social.post.published`
 * on publication and again (new envelope id) whenever new TikTok post ids arrive,
 * `social.post.failed` with a sentence from `failMessage`.
 */
export interface PostState {
  /** Moves the post as TikTok says, schedules the worker's next look, releases `actor.owner`'s lease. */
  applyTikTok(postId: string, obs: TikTokObservation, actor: Actor): Promise<PostRow | null>
  /** Terminal failure with `reason` (TikTok's code or ours); no-op on a published/failed post. */
  fail(postId: string, reason: string, actor: Actor): Promise<PostRow | null>
  /** Generic locked move used by the worker (init, upload done); `patch` is written with it. */
  move(postId: string, to: PostStatus, patch: Partial<PostRow>, actor: Actor): Promise<PostRow | null>
  /**
   * Records what a successful init returned (`patch`: publish_id, upload URL, chunk plan…) and
   * moves the post to `to` — keyed on the post's state, not on the job lease: it is written
   * whenever the post has no `publish_id` yet and is still in phase `init`/`initiating` (not
   * failed or published), whichever worker holds the job, so a publish TikTok created is never
   * forgotten. The lease is only touched when `actor.owner` holds it (kept or released as
   * `actor.keepLease` says); otherwise the current holder (or the next claim) continues.
   * @returns `recorded` false when another init's result is stored already (or the post ended);
   *   `post` is the row as it stands; `holdsLease` whether `actor.owner` may go on at once.
   */
  recordInit(
    postId: string,
    to: PostStatus,
    patch: Partial<PostRow>,
    actor: Actor,
  ): Promise<{ recorded: boolean; post: PostRow | null; holdsLease: boolean }>
  /**
   * Records a publication the worker saw happen (a Reel's `media_publish` answer: `patch` holds
   * the Instagram media id) and moves the post to `published` (phase `done`) — keyed on the
   * post's state like `recordInit`, not on the job lease: written whenever the post is not final,
   * so a media id Instagram returned is never forgotten. The lease is released when `actor.owner`
   * holds it. @returns the post as written, or null when it had ended already.
   */
  recordPublished(postId: string, patch: Partial<PostRow>, actor: Actor): Promise<PostRow | null>
  /**
   * Adds a history row without a status change (`reason`, see wait-reasons.ts) and writes
   * `patch` in the same transaction, fenced by `actor.owner`'s lease (released unless
   * `keepLease`). @returns the post as written, or null when the lease was lost.
   */
  note(postId: string, reason: string, patch: Partial<PostRow>, actor: Actor): Promise<PostRow | null>
}

export function createPostState({
  db,
  timing,
  onCommitted,
}: {
  db: Database
  timing: PollTiming
  /** Called after a transaction that wrote events (nudges the outbox relay). */
  onCommitted?: () => void
}): PostState {
  const lockRow = async (tx: Tx, postId: string, actor: Actor) => {
    const [row] = await tx.select().from(posts).where(eq(posts.id, postId)).for('update')
    if (!row) return null
    if (actor.owner && row.leaseOwner !== actor.owner) return null
    return row
  }
  const leaseRelease = (actor: Actor) =>
    actor.owner && !actor.keepLease ? { leaseOwner: null, leaseUntil: null } : {}

  const followUp = (row: PostRow, status: PostStatus, enteredNow: boolean) =>
    followUpAfter(timing, row, status, enteredNow)

  const inTx = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const result = await db.transaction(fn)
    onCommitted?.()
    return result
  }

  return {
    applyTikTok(postId, obs, actor) {
      return inTx(async (tx) => {
        const row = await lockRow(tx, postId, actor)
        if (!row) return null
        const fromPoll = actor.cause === 'poll'
        const ids = [...new Set([...row.tiktokPostIds, ...(obs.postIds ?? [])])]
        const newIds = ids.length > row.tiktokPostIds.length
        let target = toStatus(obs)
        if (row.status === 'uploading' && target === 'processing' && !fromPoll) target = 'uploading'
        const moves = canMove(row.status as PostStatus, target)
        const status = (moves ? target : row.status) as PostStatus
        const base: Partial<PostRow> = {
          tiktokPostIds: ids,
          ...(fromPoll ? { pollCount: row.pollCount + 1, attempts: 0 } : {}),
          ...leaseRelease(actor),
        }
        if (moves && target === 'failed') {
          const reason = obs.failReason ?? 'unknown'
          Object.assign(base, { failReason: reason, failMessage: failMessage(reason, row.provider) })
        }
        const withIds = { ...row, ...base } as PostRow
        // A webhook only reschedules when it changed something; a worker always does.
        const schedule = moves || newIds || actor.owner ? followUp(withIds, status, moves) : {}
        const patch = { ...base, ...schedule }
        if (moves) return record(tx, row, status, patch, actor)
        // A webhook repeating what is stored (a redelivery, or one a poll beat) writes nothing.
        if (!newIds && !actor.owner) return row
        const next = await plainUpdate(tx, row, patch)
        if (newIds && row.status === 'published') await emitPublished(tx, next, next.updatedAt)
        return next
      })
    },

    fail(postId, reason, actor) {
      return inTx(async (tx) => {
        const row = await lockRow(tx, postId, actor)
        if (!row || !canMove(row.status as PostStatus, 'failed')) return row
        return record(
          tx,
          row,
          'failed',
          {
            failReason: reason,
            failMessage: failMessage(reason, row.provider),
            phase: 'done',
            nextRunAt: null,
            ...leaseRelease(actor),
          },
          actor,
        )
      })
    },

    move(postId, to, patch, actor) {
      return inTx(async (tx) => {
        const row = await lockRow(tx, postId, actor)
        if (!row) return null
        const full = { ...patch, ...leaseRelease(actor) }
        if (canMove(row.status as PostStatus, to)) return record(tx, row, to, full, actor)
        if (row.status === 'failed' || row.status === 'published') {
          // Final already (e.g. a webhook got there first): only release the lease.
          if (actor.owner) await tx.update(posts).set(leaseRelease(actor)).where(eq(posts.id, row.id))
          return null
        }
        return plainUpdate(tx, row, full)
      })
    },

    recordInit(postId, to, patch, actor) {
      return inTx(async (tx) => {
        const [row] = await tx.select().from(posts).where(eq(posts.id, postId)).for('update')
        if (!row) return { recorded: false, post: null, holdsLease: false }
        const holder = actor.owner !== undefined && row.leaseOwner === actor.owner
        const open = row.publishId === null && (row.phase === 'init' || row.phase === 'initiating')
        if (!open || row.status === 'failed' || row.status === 'published')
          return { recorded: false, post: row, holdsLease: holder }
        const full = { ...patch, waitReason: null, ...(holder ? leaseRelease(actor) : {}) }
        const next = canMove(row.status as PostStatus, to)
          ? await record(tx, row, to, full, actor)
          : await plainUpdate(tx, row, full)
        return { recorded: true, post: next, holdsLease: holder && actor.keepLease === true }
      })
    },

    recordPublished(postId, patch, actor) {
      return inTx(async (tx) => {
        const [row] = await tx.select().from(posts).where(eq(posts.id, postId)).for('update')
        if (!row || !canMove(row.status as PostStatus, 'published')) return null
        const holder = actor.owner !== undefined && row.leaseOwner === actor.owner
        const full = {
          ...patch,
          phase: 'done',
          nextRunAt: null,
          waitReason: null,
          ...(holder ? leaseRelease(actor) : {}),
        }
        return record(tx, row, 'published', full, actor)
      })
    },

    note(postId, reason, patch, actor) {
      return inTx(async (tx) => {
        const row = await lockRow(tx, postId, actor)
        if (!row) return null
        await recordNote(tx, row, reason, actor)
        return plainUpdate(tx, row, { ...patch, ...leaseRelease(actor) })
      })
    },
  }
}

/** Writes `patch` (and `updatedAt`) without a status change; @returns the row as written. */
async function plainUpdate(tx: Tx, row: PostRow, patch: Partial<PostRow>): Promise<PostRow> {
  const now = new Date()
  await tx
    .update(posts)
    .set({ ...patch, updatedAt: now })
    .where(eq(posts.id, row.id))
  return { ...row, ...patch, updatedAt: now } as PostRow
}
