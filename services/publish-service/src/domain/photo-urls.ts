import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'

/** HKDF `info` of the signing key: changing it makes every signed URL invalid. */
const KEY_INFO = 'social-bridge/publish-service/photo_url/v1'

/** File extension of a stored photo's (or Reel video's) public name, by content type. */
const EXTENSION: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
}

/** A photo a public URL names: the media id and the content type it is served with. */
export interface SignedPhoto {
  mediaId: string
  extension: string
}

/**
 * Public URLs of stored photos for TikTok to pull (docs/tiktok-api.md §3.4, §3.6) and of Reel
 * videos for Instagram to fetch (docs/instagram-api.md "Publishing"): under
 * `MEDIA_PUBLIC_BASE_URL`, `<base><mediaId>.<jpg|webp|mp4|mov>?expires=<unix s>&signature=<base64url>`.
 * Unguessable: the media id is a random UUID and the signature an HMAC-SHA256 over the file name
 * and expiry with a key derived by HKDF from `INTERNAL_JWT_SECRET` (never stored); they stop
 * working at `expires`.
 */
export interface PhotoUrlSigner {
  /** The public URL of `mediaId` (content type `contentType`), valid for `ttlMs` from `now` (ms). */
  sign(mediaId: string, contentType: string, now?: number): string
  /**
   * Checks a request for `file` (`<mediaId>.<ext>`) with its `expires` and `signature` query
   * values. @returns the photo, or null when unsigned, altered or expired.
   */
  verify(
    file: string,
    expires: string | undefined,
    signature: string | undefined,
    now?: number,
  ): SignedPhoto | null
}

export function createPhotoUrlSigner(opts: {
  secret: string
  baseUrl: string
  ttlMs: number
}): PhotoUrlSigner {
  const key = Buffer.from(hkdfSync('sha256', opts.secret, '', KEY_INFO, 32))
  const mac = (file: string, expires: string) =>
    createHmac('sha256', key).update(`${file}\n${expires}`).digest()
  return {
    sign(mediaId, contentType, now = Date.now()) {
      const file = `${mediaId}.${EXTENSION[contentType] ?? 'bin'}`
      const expires = String(Math.floor((now + opts.ttlMs) / 1000))
      const signature = mac(file, expires).toString('base64url')
      return `${opts.baseUrl}${file}?expires=${expires}&signature=${signature}`
    },
    verify(file, expires, signature, now = Date.now()) {
      const match = /^([0-9a-f-]{36})\.(jpg|webp|mp4|mov)$/.exec(file)
      if (!match || !expires || !/^\d{1,12}$/.test(expires) || !signature) return null
      if (Number(expires) * 1000 <= now) return null
      const given = Buffer.from(signature, 'base64url')
      const expected = mac(file, expires)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
      return { mediaId: match[1] as string, extension: match[2] as string }
    },
  }
}
