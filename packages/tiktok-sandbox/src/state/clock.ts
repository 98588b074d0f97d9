/**
 * The sandbox's virtual clock: wall time plus an offset that only grows. It drives token expiry,
 * upload URL expiry, metrics growth, 24 h caps, rate-limit windows and webhook retries (see
 * `virtual-timers.ts`). Processing delays stay on real timers and are shortened through settings.
 */
export interface Clock {
  /** Virtual now, Unix ms. */
  now(): number
  /** Moves virtual time forward by `ms` (>= 0), then notifies listeners. Returns the new now, Unix ms. */
  advance(ms: number): number
  /** Total offset applied so far, ms. */
  offsetMs(): number
  /** Calls `listener` after every `advance`. Returns the unsubscribe function. */
  onAdvance(listener: () => void): () => void
}

/** Creates a clock at real time plus `offsetMs` (>= 0; a restored sandbox resumes its offset). */
export function createClock(offsetMs = 0): Clock {
  let offset = offsetMs
  const listeners = new Set<() => void>()
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('advance(ms) needs a finite ms >= 0')
      offset += ms
      for (const listener of [...listeners]) listener()
      return Date.now() + offset
    },
    offsetMs: () => offset,
    onAdvance(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
