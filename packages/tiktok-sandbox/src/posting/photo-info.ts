import type { PrivacyLevel } from '../state/posts.js'
import { PRIVACY_LEVELS } from './post-info.js'

/** Photo post limits of `/v2/post/publish/content/init/` (docs/tiktok-api.md §3.4). */
export const PHOTO_TITLE_MAX_UTF16 = 90
export const PHOTO_DESCRIPTION_MAX_UTF16 = 4000
export const MAX_PHOTO_IMAGES = 35

/** A content/init body that passed {@link checkPhotoInit}. */
export interface PhotoInit {
  postMode: 'DIRECT_POST' | 'MEDIA_UPLOAD'
  urls: string[]
  coverIndex: number
  title?: string
  description?: string
  /** Required for DIRECT_POST. */
  privacyLevel?: PrivacyLevel
}

/**
 * Checks a `POST /v2/post/publish/content/init/` body (docs/tiktok-api.md §3.4): `media_type` `PHOTO`,
 * `post_mode` `DIRECT_POST` or `MEDIA_UPLOAD`, `source_info.source` `PULL_FROM_URL` only,
 * `photo_images` 1–35 strings, `photo_cover_index` a required 0-based index into them,
 * `post_info.title` ≤ 90 and `description` ≤ 4000 UTF-16 units, `privacy_level` required for
 * DIRECT_POST. @returns the typed body, or the message of a 400 `invalid_params`.
 */
export function checkPhotoInit(
  body: unknown,
): { ok: true; init: PhotoInit } | { ok: false; message: string } {
  const bad = (message: string) => ({ ok: false as const, message })
  const b = (body ?? {}) as Record<string, unknown>
  if (b.media_type !== 'PHOTO') return bad('media_type must be PHOTO.')
  if (b.post_mode !== 'DIRECT_POST' && b.post_mode !== 'MEDIA_UPLOAD')
    return bad('post_mode must be DIRECT_POST or MEDIA_UPLOAD.')
  const source = (b.source_info ?? {}) as Record<string, unknown>
  if (source.source !== 'PULL_FROM_URL') return bad('source_info.source must be PULL_FROM_URL for photos.')
  const urls = source.photo_images
  if (
    !Array.isArray(urls) ||
    urls.length < 1 ||
    urls.length > MAX_PHOTO_IMAGES ||
    urls.some((u) => typeof u !== 'string' || !u)
  )
    return bad(`source_info.photo_images must hold 1 to ${MAX_PHOTO_IMAGES} URLs.`)
  const cover = source.photo_cover_index
  if (!Number.isInteger(cover) || (cover as number) < 0 || (cover as number) >= urls.length)
    return bad('source_info.photo_cover_index is required and must index photo_images.')
  const info = (b.post_info ?? {}) as Record<string, unknown>
  const text = (field: string, max: number) =>
    info[field] === undefined || (typeof info[field] === 'string' && (info[field] as string).length <= max)
  if (!text('title', PHOTO_TITLE_MAX_UTF16))
    return bad(`post_info.title must be a string of at most ${PHOTO_TITLE_MAX_UTF16} UTF-16 code units.`)
  if (!text('description', PHOTO_DESCRIPTION_MAX_UTF16))
    return bad(
      `post_info.description must be a string of at most ${PHOTO_DESCRIPTION_MAX_UTF16} UTF-16 code units.`,
    )
  const privacy = info.privacy_level
  const validPrivacy = typeof privacy === 'string' && (PRIVACY_LEVELS as readonly string[]).includes(privacy)
  if (b.post_mode === 'DIRECT_POST' && !validPrivacy)
    return bad('post_info.privacy_level is required for DIRECT_POST.')
  return {
    ok: true,
    init: {
      postMode: b.post_mode,
      urls: urls as string[],
      coverIndex: cover as number,
      ...(typeof info.title === 'string' ? { title: info.title } : {}),
      ...(typeof info.description === 'string' ? { description: info.description } : {}),
      ...(validPrivacy ? { privacyLevel: privacy as PrivacyLevel } : {}),
    },
  }
}
