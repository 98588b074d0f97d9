import { hkdfSync } from 'node:crypto'
import { CompactEncrypt, compactDecrypt } from 'jose'

/** HKDF `info` of the key: changing it (v2…) makes every sealed URL unreadable. */
const KEY_INFO = 'social-bridge/publish-service/upload_url/v1'
const KEY_ID = 'upload_url-v1'

/** Which upload a sealed URL belongs to (bound into the ciphertext: a copy on another row fails). */
export interface UploadUrlBinding {
  postId: string
  publishId: string
}

/**
 * TikTok's FILE_UPLOAD `upload_url` (docs/tiktok-api.md §3.2, §3.5) carries its own credential
 * (`upload_token`, valid 1 h, no Authorization header needed) and is stored only sealed, so a
 * database dump does not reveal it. Format: JWE compact (jose), `alg: dir`, `enc: A256GCM` with a
 * 256-bit key derived by HKDF-SHA256 from `INTERNAL_JWT_SECRET` (a secret every replica has and
 * that is never in the database; deriving keeps the two uses independent). The post id and
 * publish_id sit in the authenticated protected header.
 *
 * Rotating `INTERNAL_JWT_SECRET` makes URLs sealed before unreadable: `open` answers null and the
 * worker starts the upload over with a fresh init (a URL only lives an hour anyway).
 */
export interface UploadUrlVault {
  /** @returns the sealed URL (a JWE compact string) for `posts.upload_url_sealed`. */
  seal(uploadUrl: string, binding: UploadUrlBinding): Promise<string>
  /**
   * @returns the URL, or null when `sealed` cannot be opened: another key, another post or
   *   publish_id, or altered.
   */
  open(sealed: string, binding: UploadUrlBinding): Promise<string | null>
}

export function createUploadUrlVault(secret: string): UploadUrlVault {
  const key = new Uint8Array(hkdfSync('sha256', secret, '', KEY_INFO, 32))
  return {
    seal(uploadUrl, binding) {
      return new CompactEncrypt(new TextEncoder().encode(uploadUrl))
        .setProtectedHeader({
          alg: 'dir',
          enc: 'A256GCM',
          kid: KEY_ID,
          post: binding.postId,
          pid: binding.publishId,
        })
        .encrypt(key)
    },
    async open(sealed, binding) {
      try {
        const { plaintext, protectedHeader } = await compactDecrypt(sealed, key, {
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
        })
        if (protectedHeader.post !== binding.postId || protectedHeader.pid !== binding.publishId) return null
        return new TextDecoder().decode(plaintext)
      } catch {
        return null
      }
    },
  }
}
