import type { PhotoSource } from '@social-bridge/contracts'
import { NotFoundError, withDetails } from '@social-bridge/service-kit'
import type { PhotoRef } from '../db/schema.js'
import { BadRequestError, MediaNotPhotoError, TitleTooLongError, UrlNotVerifiedError } from '../errors.js'
import type { MediaRepository } from '../repositories/media-repository.js'
import { checkPullUrl } from './creator-rules.js'
import type { PhotoUrlSigner } from './photo-urls.js'

/** Photo post caption limits in UTF-16 code units (docs/tiktok-api.md §3.4). */
export const PHOTO_TITLE_MAX_UTF16 = 90
export const PHOTO_DESCRIPTION_MAX_UTF16 = 4000

/** What the photo checks read: the tenant's media, the verified prefixes and the public base URL. */
export interface PhotoCheckDeps {
  media: MediaRepository
  pullPrefixes: string[]
  /** `MEDIA_PUBLIC_BASE_URL`: where TikTok downloads stored photos from. */
  publicBaseUrl: string
}

/**
 * The checks of a photo post before TikTok is called (docs/tiktok-api.md §3.4, §3.6, §3.9): the cover
 * index names a photo (400); each stored photo is the tenant's (404) and a JPEG/WebP (422
 * `MEDIA_NOT_PHOTO`; its size and 1080p were checked at upload); each URL and, when stored photos
 * are used, `MEDIA_PUBLIC_BASE_URL` lie under a verified prefix (422 `URL_NOT_VERIFIED`); title ≤ 90
 * and description ≤ 4,000 UTF-16 units (422 `TITLE_TOO_LONG`).
 */
export async function checkPhotoPost(
  deps: PhotoCheckDeps,
  tenantId: string,
  source: PhotoSource,
  text: { title?: string; description?: string },
): Promise<void> {
  const cover = source.coverIndex ?? 0
  if (cover >= source.photos.length) {
    throw withDetails(new BadRequestError('coverIndex must name one of the photos (0-based)'), {
      coverIndex: cover,
      photos: source.photos.length,
    })
  }
  for (const [index, photo] of source.photos.entries()) {
    if ('url' in photo) {
      const bad = checkPullUrl(photo.url, deps.pullPrefixes)
      if (bad) throw withDetails(new UrlNotVerifiedError(bad.message), { ...bad.details, index })
      continue
    }
    const media = await deps.media.get(tenantId, photo.mediaId)
    if (!media) throw new NotFoundError('Media')
    if (!media.contentType.startsWith('image/'))
      throw withDetails(new MediaNotPhotoError('A photo post takes JPEG or WebP images only'), { index })
  }
  if (source.photos.some((p) => 'mediaId' in p)) {
    const bad = deps.publicBaseUrl ? checkPullUrl(`${deps.publicBaseUrl}photo.jpg`, deps.pullPrefixes) : true
    if (bad) {
      const message =
        'Stored photos cannot be offered to TikTok: MEDIA_PUBLIC_BASE_URL is not set to a URL under a verified prefix'
      throw new UrlNotVerifiedError(message)
    }
  }
  for (const [field, max] of [
    ['title', PHOTO_TITLE_MAX_UTF16],
    ['description', PHOTO_DESCRIPTION_MAX_UTF16],
  ] as const) {
    const length = text[field]?.length ?? 0
    if (length > max) {
      const message = `The photo post's ${field} is ${length} UTF-16 characters long; TikTok allows at most ${max}`
      throw withDetails(new TitleTooLongError(message), { field, length, max })
    }
  }
}

/**
 * The `photo_images` of a stored photo post (docs/tiktok-api.md §3.4): URLs as given, stored photos as
 * fresh signed public URLs. @returns null when a stored photo is gone (deleted since).
 */
export async function photoImageUrls(
  photos: PhotoRef[],
  tenantId: string,
  media: MediaRepository,
  signer: PhotoUrlSigner,
): Promise<string[] | null> {
  const urls: string[] = []
  for (const photo of photos) {
    if ('url' in photo) {
      urls.push(photo.url)
      continue
    }
    const row = await media.get(tenantId, photo.mediaId)
    if (!row) return null
    urls.push(signer.sign(row.id, row.contentType))
  }
  return urls
}
