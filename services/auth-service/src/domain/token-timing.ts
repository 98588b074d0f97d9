/** When tokens expire and when to refresh them, all computed from TikTok's answer (REFERENCE.md §0, §1.4). */
export interface TokenTiming {
  accessTokenExpiresAt: Date
  refreshTokenExpiresAt: Date
  /** Ahead of expiry by `min(marginSec, expires_in / 2)`, so short lifetimes never refresh in a loop. */
  nextRefreshAt: Date
}

/**
 * Expiry and refresh times from `expires_in` / `refresh_expires_in` (seconds from `now`), never a
 * constant lifetime. `marginSec` is REFRESH_MARGIN_SEC.
 */
export function tokenTiming(
  now: Date,
  expiresInSec: number,
  refreshExpiresInSec: number,
  marginSec: number,
): TokenTiming {
  const at = (sec: number) => new Date(now.getTime() + sec * 1000)
  const lead = Math.min(marginSec, expiresInSec / 2)
  return {
    accessTokenExpiresAt: at(expiresInSec),
    refreshTokenExpiresAt: at(refreshExpiresInSec),
    nextRefreshAt: at(expiresInSec - lead),
  }
}

/** Scheduler backoff after `failures` consecutive transient refresh failures: 30 s × 2^(n-1), at most 15 min. */
export function refreshBackoffMs(failures: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, failures - 1), 15 * 60_000)
}
