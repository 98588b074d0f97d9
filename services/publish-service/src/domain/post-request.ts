import type { CreatePostRequest, UpdatePostRequest } from '@social-bridge/contracts'
import type { PostRow } from '../db/schema.js'

/**
 * The create request a stored post stands for, with `update` (a `PATCH /posts/:id` body) laid
 * over it: what the checks of `POST /posts` are run on again when a scheduled post is edited.
 */
export function requestOf(row: PostRow, update: UpdatePostRequest = {}): CreatePostRequest {
  const source: CreatePostRequest['source'] = row.photos
    ? { photos: row.photos, coverIndex: row.coverIndex ?? 0 }
    : row.mediaId
      ? { mediaId: row.mediaId }
      : { url: row.videoUrl ?? '' }
  const { scheduledAt, ...fields } = update
  const stored = Object.fromEntries(Object.entries(row.options).filter(([, v]) => v !== undefined))
  const base = {
    connectionId: row.connectionId,
    mode: row.mode,
    source,
    ...(row.title !== null ? { title: row.title } : {}),
    ...(row.privacyLevel ? { privacyLevel: row.privacyLevel as CreatePostRequest['privacyLevel'] } : {}),
    ...stored,
    scheduledAt: scheduledAt ?? row.scheduledAt?.toISOString(),
  }
  return { ...base, ...fields } as CreatePostRequest
}
