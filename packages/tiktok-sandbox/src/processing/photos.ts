import { readFile } from 'node:fs/promises'
import { imageSize } from 'image-size'
import type { FailReason } from '../state/posts.js'

/** Photo limits TikTok checks after downloading (docs/tiktok-api.md §3.9): JPEG or WebP, ≤ 20 MB, ≤ 1080p. */
export const MAX_PHOTO_BYTES = 20_000_000
const MAX_LONG_SIDE = 1920
const MAX_SHORT_SIDE = 1080

/**
 * Checks a downloaded photo by its header (image-size): `file_format_check_failed` for anything
 * but JPEG/WebP, `picture_size_check_failed` above 20 MB or 1080p (1920 × 1080 either way).
 * @returns the fail reason, or the picture size in pixels.
 */
export async function checkPhotoFile(
  path: string,
): Promise<{ failReason: FailReason } | { width: number; height: number }> {
  const bytes = await readFile(path)
  let found: { width?: number; height?: number; type?: string }
  try {
    found = imageSize(bytes)
  } catch {
    return { failReason: 'file_format_check_failed' }
  }
  if ((found.type !== 'jpg' && found.type !== 'webp') || !found.width || !found.height)
    return { failReason: 'file_format_check_failed' }
  const long = Math.max(found.width, found.height)
  const short = Math.min(found.width, found.height)
  if (bytes.length > MAX_PHOTO_BYTES || long > MAX_LONG_SIDE || short > MAX_SHORT_SIDE)
    return { failReason: 'picture_size_check_failed' }
  return { width: found.width, height: found.height }
}
