/**
 * The sandbox's virtual clock: wall time plus an offset that only grows. It drives token expiry,
 * upload URL expiry, metrics growth, 24 h caps and rate-limit windows. Real delays (processing,
 * webhook retries) stay on real timers and are shortened through settings instead.
 */
export interface Clock {
  /** Virtual now, Unix ms. */
  now(): number
  /** Moves virtual time forward by `ms` (>= 0). Returns the new now, Unix ms. */
  advance(ms: number): number
  /** Total offset applied so far, ms. */
  offsetMs(): number
}

/** Creates a clock starting at real time. */
export function createClock(): Clock {
  let offset = 0
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('advance(ms) needs a finite ms >= 0')
      offset += ms
      return Date.now() + offset
    },
    offsetMs: () => offset,
  }
}
