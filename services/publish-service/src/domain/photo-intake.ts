import type { Readable } from 'node:stream'
import { MAX_PHOTO_BYTES } from '@social-bridge/contracts'
import { withDetails } from '@social-bridge/service-kit'
import { imageSize } from 'image-size'
import { BadRequestError, MediaNotPhotoError } from '../errors.js'
import type { MediaStore } from '../plugins/external/media-store.js'

/** "1080p" read as a picture that fits 1920 × 1080 in either orientation (docs/tiktok-api.md §3.9). */
export const PHOTO_MAX_LONG_SIDE = 1920
export const PHOTO_MAX_SHORT_SIDE = 1080

/** What the header reader (image-size) expects for each accepted content type. */
const FORMAT_OF: Record<string, string> = { 'image/jpeg': 'jpg', 'image/webp': 'webp' }

/** A checked photo: size in bytes, hex SHA-256, pixels. */
export interface PhotoIntakeResult {
  size: number
  sha256: string
  width: number
  height: number
}

/**
 * Why a photo's bytes cannot go to TikTok (docs/tiktok-api.md §3.4, §3.9): not the declared
 * JPEG/WebP (read from its header by `image-size`), or larger than 1080p.
 * @returns the picture size, or a sentence for the CRM.
 */
export function checkPhotoBytes(
  bytes: Uint8Array,
  contentType: string,
): { width: number; height: number } | { problem: string } {
  let found: { width?: number; height?: number; type?: string }
  try {
    found = imageSize(bytes)
  } catch {
    return { problem: 'The file is not an image TikTok can read (JPEG or WebP)' }
  }
  if (found.type !== FORMAT_OF[contentType] || !found.width || !found.height) {
    return { problem: `The file is not a ${contentType} image (found ${found.type ?? 'nothing readable'})` }
  }
  const long = Math.max(found.width, found.height)
  const short = Math.min(found.width, found.height)
  if (long > PHOTO_MAX_LONG_SIDE || short > PHOTO_MAX_SHORT_SIDE) {
    return {
      problem: `The photo is ${found.width}×${found.height}; TikTok takes photos up to 1080p (${PHOTO_MAX_LONG_SIDE}×${PHOTO_MAX_SHORT_SIDE})`,
    }
  }
  return { width: found.width, height: found.height }
}

/**
 * Reads a photo upload (at most `MAX_PHOTO_BYTES`, so it is held in memory), checks it with
 * {@link checkPhotoBytes} and stores it under `name`.
 * @throws BadRequestError when the body is shorter/longer than `declaredLength` bytes.
 * @throws MediaNotPhotoError (422) when TikTok would refuse it (nothing is stored).
 */
export async function intakePhoto(
  store: MediaStore,
  name: string,
  body: Readable,
  declaredLength: number,
  contentType: string,
): Promise<PhotoIntakeResult> {
  const parts: Buffer[] = []
  let size = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > declaredLength || size > MAX_PHOTO_BYTES)
      throw new BadRequestError('The body is longer than its Content-Length')
    parts.push(chunk)
  }
  if (size !== declaredLength) throw new BadRequestError('The body ended before its Content-Length')
  const bytes = Buffer.concat(parts)
  const checked = checkPhotoBytes(bytes, contentType)
  if ('problem' in checked) throw withDetails(new MediaNotPhotoError(checked.problem), { contentType })
  const { sha256 } = await store.put(name, [bytes])
  return { size, sha256, ...checked }
}
