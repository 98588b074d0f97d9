import type { Post } from '@social-bridge/contracts'
import type { PostRow } from '../../db/schema.js'

/** The CRM's view of a stored post (contracts `Post`). Never includes the upload URL. */
export function toPostDto(row: PostRow): Post {
  return {
    id: row.id,
    connectionId: row.connectionId,
    mode: row.mode,
    status: row.status as Post['status'],
    publishId: row.publishId,
    tiktokPostIds: row.tiktokPostIds,
    shareUrl: shareUrl(row),
    uploadedBytes: row.uploadedBytes,
    totalBytes: row.videoSize,
    failReason: row.failReason,
    failMessage: row.failMessage,
    title: row.title,
    privacyLevel: row.privacyLevel as Post['privacyLevel'],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** `https://www.tiktok.com/@<username>/video/<id>` once TikTok gave a public post id. */
function shareUrl(row: PostRow): string | null {
  const id = row.tiktokPostIds[0]
  if (!id || !row.creatorUsername) return null
  return `https://www.tiktok.com/@${encodeURIComponent(row.creatorUsername)}/video/${id}`
}
