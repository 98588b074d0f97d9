import type { PrivacyLevel } from '../state/posts.js'

/** `privacy_level` values of docs/tiktok-api.md §3.2. */
export const PRIVACY_LEVELS: readonly PrivacyLevel[] = [
  'PUBLIC_TO_EVERYONE',
  'MUTUAL_FOLLOW_FRIENDS',
  'FOLLOWER_OF_CREATOR',
  'SELF_ONLY',
]

/** Longest Direct Post video `title`, in UTF-16 code units (docs/tiktok-api.md §3.2). */
export const TITLE_MAX_UTF16 = 2200

/** Largest int32: `video_cover_timestamp_ms` is an int32 (docs/tiktok-api.md §3.2). */
const INT32_MAX = 2 ** 31 - 1

/** The boolean fields of a Direct Post video `post_info` (docs/tiktok-api.md §3.2). */
const BOOLEAN_FIELDS = [
  'disable_duet',
  'disable_stitch',
  'disable_comment',
  'brand_content_toggle',
  'brand_organic_toggle',
  'is_aigc',
] as const

/** A Direct Post video `post_info` that passed {@link checkPostInfo}. */
export interface DirectPostInfo {
  privacy_level: PrivacyLevel
  /** The caption, at most 2200 UTF-16 code units. */
  title?: string
  disable_duet?: boolean
  disable_stitch?: boolean
  disable_comment?: boolean
  /** Cover frame in ms from the start; a value past the end means the first frame. */
  video_cover_timestamp_ms?: number
  /** Required by the docs' table. */
  brand_content_toggle: boolean
  brand_organic_toggle?: boolean
  is_aigc?: boolean
}

/** Outcome of {@link checkPostInfo}: the typed value, or the message of a 400 `invalid_param`. */
export type PostInfoCheck = { ok: true; postInfo: DirectPostInfo } | { ok: false; message: string }

/**
 * Checks the `post_info` of `POST /v2/post/publish/video/init/` (docs/tiktok-api.md §3.2) field by field:
 * an object; `privacy_level` one of the four levels (required); `title` a string of at most 2200
 * UTF-16 code units (optional); `brand_content_toggle` a boolean (required, as the docs' table
 * marks it); `disable_duet`, `disable_stitch`, `disable_comment`, `brand_organic_toggle` and
 * `is_aigc` booleans when present; `video_cover_timestamp_ms` a non-negative int32 (milliseconds)
 * when present. A present field of the wrong type (`null` included) is invalid; unknown fields are
 * ignored. Whether the level is one the creator may use is checked later (403).
 */
export function checkPostInfo(value: unknown): PostInfoCheck {
  const bad = (message: string): PostInfoCheck => ({ ok: false, message })
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return bad('post_info is required.')
  const post = value as Record<string, unknown>
  const privacy = post.privacy_level
  if (typeof privacy !== 'string' || !(PRIVACY_LEVELS as readonly string[]).includes(privacy))
    return bad('post_info.privacy_level is required and must be a privacy level.')
  if (post.title !== undefined && (typeof post.title !== 'string' || post.title.length > TITLE_MAX_UTF16))
    return bad(`post_info.title must be a string of at most ${TITLE_MAX_UTF16} UTF-16 code units.`)
  if (post.brand_content_toggle === undefined) return bad('post_info.brand_content_toggle is required.')
  for (const field of BOOLEAN_FIELDS) {
    if (post[field] !== undefined && typeof post[field] !== 'boolean')
      return bad(`post_info.${field} must be a boolean.`)
  }
  const cover = post.video_cover_timestamp_ms
  if (
    cover !== undefined &&
    !(Number.isInteger(cover) && (cover as number) >= 0 && (cover as number) <= INT32_MAX)
  )
    return bad('post_info.video_cover_timestamp_ms must be a non-negative integer (int32) of milliseconds.')
  return { ok: true, postInfo: post as unknown as DirectPostInfo }
}
