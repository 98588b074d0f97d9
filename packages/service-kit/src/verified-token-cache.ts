/** What verifying a token gave: the value to hand back and until when the token is valid. */
export interface Verified<T> {
  value: T
  /** The token's `exp` plus the clock tolerance the verifier applied, Unix ms. */
  validUntilMs: number
}

/** Options of {@link cachedVerifier}. */
export interface CachedVerifierOptions {
  /** Longest a verification is reused, ms, however far its token's expiry (default 60 s). */
  maxAgeMs?: number
  /** Tokens remembered at once; the oldest is forgotten first (default 10,000). */
  maxEntries?: number
  /** The clock, Unix ms (tests). */
  now?: () => number
}

/**
 * Wraps a token verifier (jose's `jwtVerify` and the claim checks, ~50–100 µs of crypto per call)
 * so a token string that verified is not verified again until its `validUntilMs`, nor longer than
 * `maxAgeMs`: a caller sending the same token on every request pays the signature check once.
 * Only successes are remembered: a refused token is verified (and refused) every time, and a
 * remembered token is refused once its expiry has passed, exactly as the verifier would refuse it.
 * The key is the whole token string, so a token differing in any byte (a forged signature) is
 * verified on its own.
 * @returns `(token) => value`; throws what `verify` throws.
 */
export function cachedVerifier<T>(
  verify: (token: string) => Promise<Verified<T>>,
  opts: CachedVerifierOptions = {},
): (token: string) => Promise<T> {
  const maxAgeMs = opts.maxAgeMs ?? 60_000
  const maxEntries = opts.maxEntries ?? 10_000
  const now = opts.now ?? Date.now
  const entries = new Map<string, { value: T; until: number }>()
  return async (token) => {
    const hit = entries.get(token)
    if (hit) {
      if (now() < hit.until) return hit.value
      entries.delete(token)
    }
    const { value, validUntilMs } = await verify(token)
    const until = Math.min(validUntilMs, now() + maxAgeMs)
    if (now() < until) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string)
      entries.set(token, { value, until })
    }
    return value
  }
}
