import {
  type Post,
  type PostFailedV1,
  type PostPublishedV1,
  type PostStatusChangedV1,
  Subjects,
} from '@social-bridge/contracts'
import type { Database } from '@social-bridge/service-kit'
import { eq } from 'drizzle-orm'
import { type PostRow, postStatusHistory, posts } from '../../db/schema.js'
import { failMessage } from './fail-reasons.js'
import { enqueueEvent } from './outbox.js'

/** What TikTok said about a publish (status fetch §3.8, or a webhook §4.4), in our words. */
export interface TikTokObservation {
  status: 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'SEND_TO_USER_INBOX' | 'PUBLISH_COMPLETE' | 'FAILED'
  failReason?: string
  /** 19-digit post ids as strings. */
  postIds?: string[]
}

/** Timing of the worker's follow-up after a status change, ms. */
export interface PollTiming {
  POLL_INITIAL_INTERVAL_MS: number
  POLL_MAX_INTERVAL_MS: number
  POST_ID_POLL_INTERVAL_MS: number
  POST_ID_POLL_DEADLINE_MS: number
  INBOX_POLL_INTERVAL_MS: number
  INBOX_POLL_DEADLINE_MS: number
}

/** A post's public status (contracts `PostStatus`). */
export type PostStatus = Post['status']

const RANK: Record<Exclude<PostStatus, 'failed'>, number> = {
  queued: 0,
  uploading: 1,
  processing: 2,
  sent_to_inbox: 3,
  published: 4,
}

/** Whether `from → to` moves forward: statuses never go back; `failed` and `published` are final. */
export function canMove(from: PostStatus, to: PostStatus): boolean {
  if (from === 'failed' || from === to) return false
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

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0]

/** Who applies a change: a worker holding the job lease (released in the same update), or a webhook. */
export interface Actor {
  cause: 'api' | 'worker' | 'poll' | 'webhook'
  /** The worker's lease owner id: the change is dropped if the lease was lost. */
  owner?: string
  /** Keep holding the lease after the change (the worker goes on with the next step at once). */
  keepLease?: boolean
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

  /** Writes the status change, its history row and its events. */
  const record = async (tx: Tx, row: PostRow, to: PostStatus, patch: Partial<PostRow>, actor: Actor) => {
    const now = new Date()
    const next = { ...row, ...patch, status: to, updatedAt: now }
    await tx
      .update(posts)
      .set({ ...patch, status: to, updatedAt: now })
      .where(eq(posts.id, row.id))
    await tx.insert(postStatusHistory).values({
      postId: row.id,
      fromStatus: row.status,
      toStatus: to,
      publishId: next.publishId,
      failReason: to === 'failed' ? next.failReason : null,
      cause: actor.cause,
      at: now,
    })
    const base = { postId: row.id, connectionId: row.connectionId }
    const changed: PostStatusChangedV1 = {
      ...base,
      from: row.status as PostStatus,
      to,
      ...(next.publishId ? { publishId: next.publishId } : {}),
      ...(to === 'failed' && next.failReason ? { failReason: next.failReason } : {}),
    }
    await enqueueEvent(tx, Subjects.postStatusChanged, row.tenantId, changed, now)
    if (to === 'published') await emitPublished(tx, next, now)
    if (to === 'failed') {
      const failed: PostFailedV1 = {
        ...base,
        ...(next.publishId ? { publishId: next.publishId } : {}),
        failReason: next.failReason ?? 'unknown',
        message: next.failMessage ?? failMessage(next.failReason ?? 'unknown'),
      }
      await enqueueEvent(tx, Subjects.postFailed, row.tenantId, failed, now)
    }
    return next as PostRow
  }

  const emitPublished = (tx: Tx, row: PostRow, now: Date) => {
    const data: PostPublishedV1 = {
      postId: row.id,
      connectionId: row.connectionId,
      publishId: row.publishId ?? '',
      tiktokPostIds: row.tiktokPostIds,
    }
    return enqueueEvent(tx, Subjects.postPublished, row.tenantId, data, now)
  }

  /** Phase, schedule and deadline that follow a status (see src/workers/README.md). */
  const followUp = (row: PostRow, status: PostStatus, enteredNow: boolean): Partial<PostRow> => {
    const now = Date.now()
    const at = (ms: number) => new Date(now + ms)
    if (status === 'failed') return { phase: 'done', nextRunAt: null }
    if (status === 'published') {
      // TikTok fills post ids only for publicly viewable posts (§3.8): a direct post with another
      // privacy level never gets one, so there is nothing to wait for (a webhook can still add it).
      const neverPublic = row.mode === 'direct' && row.privacyLevel !== 'PUBLIC_TO_EVERYONE'
      if (row.tiktokPostIds.length > 0 || neverPublic) return { phase: 'done', nextRunAt: null }
      return enteredNow || row.phase !== 'post_ids'
        ? {
            phase: 'post_ids',
            nextRunAt: at(timing.POST_ID_POLL_INTERVAL_MS),
            pollDeadlineAt: at(timing.POST_ID_POLL_DEADLINE_MS),
          }
        : { nextRunAt: at(timing.POST_ID_POLL_INTERVAL_MS) }
    }
    if (status === 'sent_to_inbox') {
      return enteredNow || row.phase !== 'inbox'
        ? {
            phase: 'inbox',
            nextRunAt: at(timing.INBOX_POLL_INTERVAL_MS),
            pollDeadlineAt: at(timing.INBOX_POLL_DEADLINE_MS),
          }
        : { nextRunAt: at(timing.INBOX_POLL_INTERVAL_MS) }
    }
    const delay = Math.min(timing.POLL_MAX_INTERVAL_MS, timing.POLL_INITIAL_INTERVAL_MS * 2 ** row.pollCount)
    return { phase: 'poll', nextRunAt: at(delay) }
  }

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
          Object.assign(base, { failReason: reason, failMessage: failMessage(reason) })
        }
        const withIds = { ...row, ...base } as PostRow
        // A webhook only reschedules when it changed something; a worker always does.
        const schedule = moves || newIds || actor.owner ? followUp(withIds, status, moves) : {}
        const patch = { ...base, ...schedule }
        if (moves) return record(tx, row, status, patch, actor)
        const now = new Date()
        await tx
          .update(posts)
          .set({ ...patch, updatedAt: now })
          .where(eq(posts.id, row.id))
        const next = { ...row, ...patch, updatedAt: now } as PostRow
        if (newIds && row.status === 'published') await emitPublished(tx, next, now)
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
            failMessage: failMessage(reason),
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
        const now = new Date()
        await tx
          .update(posts)
          .set({ ...full, updatedAt: now })
          .where(eq(posts.id, row.id))
        return { ...row, ...full, updatedAt: now } as PostRow
      })
    },
  }
}
