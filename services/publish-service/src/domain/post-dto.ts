import type { Post, PostHistoryEntry } from '@social-bridge/contracts'
import type { PostRow, postStatusHistory } from '../db/schema.js'
import { sentPrivacyLevel } from './creator-rules.js'
import { failMessage } from './fail-reasons.js'
import { waitMessage } from './wait-reasons.js'

type HistoryRow = typeof postStatusHistory.$inferSelect

/**
 * The CRM's view of a stored post (contracts `Post`). Never includes the upload URL. `history`
 * (oldest first) is given for `GET /posts/:id` only.
 */
export function toPostDto(row: PostRow, history?: HistoryRow[]): Post {
  return {
    id: row.id,
    connectionId: row.connectionId,
    provider: row.provider as Post['provider'],
    mode: row.mode,
    status: row.status as Post['status'],
    publishId: row.publishId,
    tiktokPostIds: row.tiktokPostIds,
    ...(row.instagramMediaId ? { instagramMediaId: row.instagramMediaId } : {}),
    shareUrl: shareUrl(row),
    uploadedBytes: row.uploadedBytes,
    totalBytes: row.videoSize,
    failReason: row.failReason,
    failMessage: row.failMessage,
    title: row.title,
    // inbox drafts rows written before privacy_level became optional still hold one: never sent
    privacyLevel: (sentPrivacyLevel(row) ?? null) as Post['privacyLevel'],
    waitingFor: waitingFor(row),
    scheduledAt: row.scheduledAt?.toISOString() ?? null,
    ...(row.photos ? { photoCount: row.photos.length } : {}),
    ...(history ? { history: history.map((h) => toHistoryEntry(h, row.provider)) } : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** Why and until when a post waits: `wait_reason` with `next_run_at`, while the post is not final. */
function waitingFor(row: PostRow): Post['waitingFor'] {
  const final = row.status === 'failed' || row.status === 'published' || row.status === 'cancelled'
  if (!row.waitReason || !row.nextRunAt || final) return null
  return {
    reason: row.waitReason,
    message:
      waitMessage(row.waitReason, row.provider) ?? 'The post continues automatically at the retry time.',
    retryAt: row.nextRunAt.toISOString(),
  }
}

function toHistoryEntry(h: HistoryRow, provider: string): PostHistoryEntry {
  const reason = h.reason ?? h.failReason
  return {
    from: h.fromStatus as PostHistoryEntry['from'],
    to: h.toStatus as PostHistoryEntry['to'],
    reason,
    message: h.reason
      ? waitMessage(h.reason, provider)
      : h.failReason
        ? failMessage(h.failReason, provider)
        : null,
    cause: h.cause,
    at: h.at.toISOString(),
  }
}

/** `https://www.tiktok.com/@<username>/video/<id>` once TikTok gave a public post id. */
export function shareUrl(row: PostRow): string | null {
  const id = row.tiktokPostIds[0]
  if (!id || !row.creatorUsername) return null
  return `https://www.tiktok.com/@${encodeURIComponent(row.creatorUsername)}/video/${id}`
}
