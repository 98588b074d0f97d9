import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_BYTES = 32

/** Raised for a malformed key list, an unknown key id, or a ciphertext that fails authentication. */
export class VaultError extends Error {
  override name = 'VaultError'
}

/** A sealed value: the key id it was written under and `iv (12 B) ‖ tag (16 B) ‖ ciphertext`. */
export interface Sealed {
  keyId: string
  blob: Buffer
}

/**
 * A vault of secrets at rest (auth-service's TikTok tokens, webhook-dispatch's signing secrets): AES-256-GCM (node:crypto) with a random 12-byte IV per value and the 16-byte
 * auth tag stored beside it. `aad` (additional authenticated data) binds a ciphertext to where
 * it belongs (e.g. `tenant|provider|open_id|access`), so a blob copied to another row fails.
 */
export interface Vault {
  /** Id of the key new values are sealed with. */
  readonly activeKeyId: string
  /** Ids of every key that can open values. */
  readonly keyIds: string[]
  /** Seals `plaintext` (UTF-8) under the active key. */
  seal(plaintext: string, aad: string): Sealed
  /** @throws VaultError for an unknown key id or a blob that fails authentication. */
  open(sealed: Sealed, aad: string): string
}

/**
 * Parses a key list such as `TOKEN_ENCRYPTION_KEYS` (`kid1:base64key,kid2:base64key`).
 * @throws VaultError when an entry is malformed, a key is not 32 bytes, or an id repeats.
 */
export function parseKeyList(value: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>()
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const sep = entry.indexOf(':')
    const id = entry.slice(0, sep)
    if (sep <= 0 || !/^[A-Za-z0-9_.-]{1,64}$/.test(id))
      throw new VaultError('key entries must be kid:base64key')
    const key = Buffer.from(entry.slice(sep + 1), 'base64')
    if (key.length !== KEY_BYTES) throw new VaultError(`key ${id} must be ${KEY_BYTES} bytes (base64)`)
    if (keys.has(id)) throw new VaultError(`key id ${id} appears twice`)
    keys.set(id, key)
  }
  if (keys.size === 0) throw new VaultError('the key list holds no key')
  return keys
}

/**
 * Builds a vault from a key list and the active key id (auth-service: `TOKEN_ENCRYPTION_KEYS` and
 * `TOKEN_ENCRYPTION_ACTIVE_KEY_ID`).
 * @throws VaultError when the list is invalid or the active id is not in it.
 */
export function createVault(opts: { keys: string; activeKeyId: string }): Vault {
  const keys = parseKeyList(opts.keys)
  const active = keys.get(opts.activeKeyId)
  if (!active) throw new VaultError(`active key ${opts.activeKeyId} is not in the key list`)
  return {
    activeKeyId: opts.activeKeyId,
    keyIds: [...keys.keys()],
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', active, iv)
      cipher.setAAD(Buffer.from(aad, 'utf8'))
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return { keyId: opts.activeKeyId, blob: Buffer.concat([iv, cipher.getAuthTag(), ct]) }
    },
    open(sealed, aad) {
      const key = keys.get(sealed.keyId)
      if (!key) throw new VaultError(`no key ${sealed.keyId} to open this value`)
      if (sealed.blob.length < IV_BYTES + TAG_BYTES) throw new VaultError('sealed value is truncated')
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.blob.subarray(0, IV_BYTES))
        decipher.setAAD(Buffer.from(aad, 'utf8'))
        decipher.setAuthTag(sealed.blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
        return Buffer.concat([
          decipher.update(sealed.blob.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8')
      } catch {
        throw new VaultError(`sealed value failed authentication under key ${sealed.keyId}`)
      }
    },
  }
}
