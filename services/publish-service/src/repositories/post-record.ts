import {
  type Post,
  type PostFailedV1,
  type PostPublishedV1,
  type PostStatusChangedV1,
  Subjects,
} from '@social-bridge/contracts'
import { type Database, enqueueEvent } from '@social-bridge/service-kit'
import { eq } from 'drizzle-orm'
import { outbox, type PostRow, postStatusHistory, posts } from '../db/schema.js'
import { failMessage } from '../domain/fail-reasons.js'
import { shareUrl } from '../domain/post-dto.js'
import { observeStatusChange } from '../metrics.js'

/** A post's public status (contracts `PostStatus`). */
export type PostStatus = Post['status']

/** A drizzle transaction. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0]

/** Who applies a change: a worker holding the job lease (released in the same update), or a webhook. */
export interface Actor {
  cause: 'api' | 'worker' | 'poll' | 'webhook'
  /** The worker's lease owner id: the change is dropped if the lease was lost. */
  owner?: string
  /** Keep holding the lease after the change (the worker goes on with the next step at once). */
  keepLease?: boolean
}

/**
 * TikTok's upload URL (sealed) is kept only while the post may still send bytes: a move to any
 * status past `uploading` (all bytes acknowledged, or the post ended) drops it in the same write.
 */
const UPLOAD_URL_DROPPED: Partial<PostRow> = { uploadUrlSealed: null, uploadUrlExpiresAt: null }

/**
 * Writes a status change of the locked `row` with `patch`, its history row and its events
 * (`status_changed` always, `published` / `failed` when it ends there) in transaction `tx`.
 * Moving past `uploading` also clears the upload URL ({@link UPLOAD_URL_DROPPED}).
 * @returns the post as written.
 */
export async function recordStatusChange(
  tx: Tx,
  row: PostRow,
  to: PostStatus,
  statusPatch: Partial<PostRow>,
  actor: Actor,
): Promise<PostRow> {
  const patch =
    to === 'queued' || to === 'uploading' ? statusPatch : { ...statusPatch, ...UPLOAD_URL_DROPPED }
  const now = new Date()
  const next = { ...row, ...patch, status: to, updatedAt: now } as PostRow
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
  const base = {
    postId: row.id,
    connectionId: row.connectionId,
    provider: row.provider as PostStatusChangedV1['provider'],
  }
  const message = next.failMessage ?? failMessage(next.failReason ?? 'unknown', row.provider)
  const url = shareUrl(next)
  const changed: PostStatusChangedV1 = {
    ...base,
    from: row.status as PostStatus,
    to,
    ...(next.publishId ? { publishId: next.publishId } : {}),
    ...(to === 'failed' && next.failReason ? { failReason: next.failReason } : {}),
    ...(to === 'failed' ? { failMessage: message } : {}),
    ...(next.tiktokPostIds.length > 0 ? { tiktokPostIds: next.tiktokPostIds } : {}),
    ...(url ? { shareUrl: url } : {}),
    ...(next.instagramMediaId ? { instagramMediaId: next.instagramMediaId } : {}),
  }
  await emit(tx, Subjects.postStatusChanged, row, changed, now)
  observeStatusChange(row, to, next.failReason, now)
  if (to === 'published') await emitPublished(tx, next, now)
  if (to === 'failed') {
    const failed: PostFailedV1 = {
      ...base,
      ...(next.publishId ? { publishId: next.publishId } : {}),
      failReason: next.failReason ?? 'unknown',
      message,
    }
    await emit(tx, Subjects.postFailed, row, failed, now)
  }
  return next
}

/** Writes `data` as an event about the post `row` (its aggregate) in `tx`; @returns the envelope id. */
async function emit(tx: Tx, subject: string, row: PostRow, data: unknown, occurredAt: Date): Promise<string> {
  const envelope = await enqueueEvent(tx, outbox, {
    subject,
    aggregateId: row.id,
    tenantId: row.tenantId,
    data,
    occurredAt,
  })
  return envelope.id
}

/** `social.post.published` with the post ids known so far. */
export function emitPublished(tx: Tx, row: PostRow, now: Date): Promise<string> {
  const data: PostPublishedV1 = {
    postId: row.id,
    connectionId: row.connectionId,
    provider: row.provider as PostPublishedV1['provider'],
    publishId: row.publishId ?? '',
    tiktokPostIds: row.tiktokPostIds,
    ...(row.instagramMediaId ? { instagramMediaId: row.instagramMediaId } : {}),
  }
  return emit(tx, Subjects.postPublished, row, data, now)
}

/** A history row without a status change (`from` = `to`), e.g. an init retried after an unknown outcome. */
export async function recordNote(tx: Tx, row: PostRow, reason: string, actor: Actor): Promise<void> {
  await tx.insert(postStatusHistory).values({
    postId: row.id,
    fromStatus: row.status,
    toStatus: row.status,
    publishId: row.publishId,
    reason,
    cause: actor.cause,
  })
}
