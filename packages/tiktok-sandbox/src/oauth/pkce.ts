import { createHash, timingSafeEqual } from 'node:crypto'

/** TikTok's challenge form: lowercase hex SHA-256, 64 chars (docs/tiktok-api.md §1.2). */
export const HEX_CHALLENGE = /^[0-9a-f]{64}$/
/** RFC 7636 form: base64url SHA-256 without padding, 43 chars. */
export const BASE64URL_CHALLENGE = /^[A-Za-z0-9_-]{43}$/
/** `code_verifier`: 43–128 chars of `[A-Za-z0-9-._~]` (docs/tiktok-api.md §1.2). */
export const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/

/** Whether `challenge` has an accepted shape. */
export function challengeShapeOk(challenge: string, acceptBase64url: boolean): boolean {
  return HEX_CHALLENGE.test(challenge) || (acceptBase64url && BASE64URL_CHALLENGE.test(challenge))
}

/** Verifies `verifier` against an S256 `challenge` (hex; base64url too when allowed). */
export function verifyPkce(challenge: string, verifier: string, acceptBase64url: boolean): boolean {
  if (!VERIFIER.test(verifier)) return false
  const digest = createHash('sha256').update(verifier).digest()
  const candidates = [digest.toString('hex')]
  if (acceptBase64url) candidates.push(digest.toString('base64url'))
  return candidates.some(
    (c) => c.length === challenge.length && timingSafeEqual(Buffer.from(c), Buffer.from(challenge)),
  )
}
