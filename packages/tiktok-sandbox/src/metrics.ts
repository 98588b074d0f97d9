/**
 * Reproducible, monotonic metric growth (views, likes, followers…) as a pure function of a seed,
 * an entity key and elapsed virtual time. No state, O(1) per value.
 *
 * value(h) = base + floor(rate·h + J(h)), where h is elapsed hours and J interpolates linearly
 * between per-hour jitter points in [0, 0.9·rate). The slope stays ≥ 0.1·rate, so values never
 * decrease as the clock moves forward.
 */

/** 32-bit string/number hash (FNV-1a). */
function hash(input: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Uniform [0, 1) from (seed, key, n) — mulberry32 over a mixed hash. */
export function unit(seed: number, key: string, n = 0): number {
  let t = (hash(`${seed}:${key}:${n}`) + 0x6d2b79f5) >>> 0
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/**
 * A metric at `elapsedMs` after the entity's creation.
 * @param ratePerHour mean growth per hour (>= 0)
 */
export function grow(
  seed: number,
  key: string,
  base: number,
  ratePerHour: number,
  elapsedMs: number,
): number {
  const h = Math.max(0, elapsedMs) / 3600_000
  const k = Math.floor(h)
  const frac = h - k
  const j0 = unit(seed, key, k) * 0.9 * ratePerHour
  const j1 = unit(seed, key, k + 1) * 0.9 * ratePerHour
  const jitter = j0 + (j1 - j0) * frac
  const start = unit(seed, key, 0) * 0.9 * ratePerHour
  return base + Math.max(0, Math.floor(ratePerHour * h + jitter - start))
}
