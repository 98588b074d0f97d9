import { createHash, randomBytes } from 'node:crypto'
import { TikTokInvalidArgumentError } from './errors.js'

/** A PKCE pair for one authorization request (docs/tiktok-api.md §1.2, TikTok "Login Kit for Desktop"). */
export interface PkcePair {
  /** 43–128 characters from `[A-Za-z0-9-._~]`; send at token exchange, keep secret until then. */
  codeVerifier: string
  /** Lowercase **hex** SHA-256 of the verifier, 64 characters (not RFC 7636 base64url). */
  codeChallenge: string
  /** Always `S256`. */
  codeChallengeMethod: 'S256'
}

const VERIFIER_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/

/**
 * Creates a fresh PKCE pair: a random verifier of `length` characters (default 64, 43–128) and its
 * hex S256 challenge.
 *
 * @throws TikTokInvalidArgumentError when `length` is outside 43–128.
 */
export function createPkcePair(length = 64): PkcePair {
  if (!Number.isInteger(length) || length < 43 || length > 128) {
    throw new TikTokInvalidArgumentError('code_verifier length must be an integer from 43 to 128')
  }
  // 66 symbols: keep bytes below 198 (= 3 × 66) so every symbol is equally likely.
  const limit = VERIFIER_ALPHABET.length * Math.floor(256 / VERIFIER_ALPHABET.length)
  let codeVerifier = ''
  while (codeVerifier.length < length) {
    for (const b of randomBytes(length)) {
      if (b < limit && codeVerifier.length < length)
        codeVerifier += VERIFIER_ALPHABET[b % VERIFIER_ALPHABET.length]
    }
  }
  return { codeVerifier, codeChallenge: pkceChallenge(codeVerifier), codeChallengeMethod: 'S256' }
}

/**
 * The TikTok S256 challenge of a verifier: lowercase hex SHA-256, 64 characters (§1.2).
 *
 * @throws TikTokInvalidArgumentError when the verifier is not 43–128 chars of `[A-Za-z0-9-._~]`.
 */
export function pkceChallenge(codeVerifier: string): string {
  if (!VERIFIER_PATTERN.test(codeVerifier)) {
    throw new TikTokInvalidArgumentError('code_verifier must be 43–128 characters of [A-Za-z0-9-._~]')
  }
  return createHash('sha256').update(codeVerifier, 'ascii').digest('hex')
}
