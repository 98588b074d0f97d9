/** The retry schedule of deliveries (DispatchConfig `DELIVERY_RETRY_*`, `DELIVERY_GIVE_UP_MS`). */
export interface RetrySchedule {
  baseMs: number
  maxMs: number
  giveUpMs: number
}

/** Spread of the jitter around each delay: ± 20 %. */
const JITTER = 0.2

/**
 * The delay before attempt `failed + 1` after `failed` failed attempts: `base × 4^(failed−1)`,
 * capped at `max`, times a random factor in [0.8, 1.2). With the defaults (5 s, 6 h) the retries
 * come about 5 s, 20 s, 80 s, 5 min, 21 min, 85 min, 5.7 h, then every 6 h, until 3 days after the
 * first attempt: about 17 attempts. @returns ms.
 */
export function retryDelayMs(failed: number, s: RetrySchedule, random = Math.random): number {
  const raw = Math.min(s.maxMs, s.baseMs * 4 ** Math.max(0, failed - 1))
  return Math.round(raw * (1 - JITTER + 2 * JITTER * random()))
}

/**
 * When the next attempt is due after a failure at `now`, or null when the delivery is given up:
 * the next attempt would fall after `firstAttemptAt + giveUpMs`.
 */
export function nextAttemptAt(
  failed: number,
  firstAttemptAt: Date,
  now: Date,
  s: RetrySchedule,
): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(failed, s))
  return next.getTime() - firstAttemptAt.getTime() > s.giveUpMs ? null : next
}
