/** When tokens expire and when to refresh them, all computed from TikTok's answer (docs/tiktok-api.md §0, §1.4). */
export interface TokenTiming {
  /** When the access token was issued (the code exchange or refresh answered). */
  accessTokenIssuedAt: Date
  accessTokenExpiresAt: Date
  refreshTokenExpiresAt: Date
  /** Ahead of expiry by `min(marginSec, expires_in / 2)`, so short lifetimes never refresh in a loop. */
  nextRefreshAt: Date
}

/** `min(marginSec, lifetime / 2)`, in seconds: how long before expiry a token counts as due. */
const leadSec = (lifetimeSec: number, marginSec: number) => Math.min(marginSec, lifetimeSec / 2)

/** A provider's own refresh rule (e.g. Instagram's): not before `minAgeSec`, `leadSec` ahead of expiry. */
export interface RefreshWindowRule {
  minAgeSec: number
  leadSec: number
}

/**
 * Expiry and refresh times from `expires_in` / `refresh_expires_in` (seconds from `now`), never a
 * constant lifetime. `marginSec` is REFRESH_MARGIN_SEC. With a provider's `window` the refresh is
 * due `min(window.leadSec, expires_in / 2)` ahead of expiry but never before the token is
 * `window.minAgeSec` old (docs/instagram-api.md "Connect").
 */
export function tokenTiming(
  now: Date,
  expiresInSec: number,
  refreshExpiresInSec: number,
  marginSec: number,
  window?: RefreshWindowRule,
): TokenTiming {
  const at = (sec: number) => new Date(now.getTime() + sec * 1000)
  const refreshInSec = window
    ? Math.max(window.minAgeSec, expiresInSec - leadSec(expiresInSec, window.leadSec))
    : expiresInSec - leadSec(expiresInSec, marginSec)
  return {
    accessTokenIssuedAt: now,
    accessTokenExpiresAt: at(expiresInSec),
    refreshTokenExpiresAt: at(refreshExpiresInSec),
    nextRefreshAt: at(refreshInSec),
  }
}

/**
 * The first instant a provider with a minimum token age accepts a refresh of `row`'s token
 * (`accessTokenIssuedAt + minAgeSec`); null when there is no rule or no issue time.
 */
export function refreshAllowedAt(
  row: { accessTokenIssuedAt: Date | null },
  window: RefreshWindowRule | undefined,
): Date | null {
  if (!window || !row.accessTokenIssuedAt) return null
  return new Date(row.accessTokenIssuedAt.getTime() + window.minAgeSec * 1000)
}

/**
 * The instant from which an access token is within the margin of its expiry
 * (`expires_at − min(marginSec, expires_in / 2)`, the first `nextRefreshAt` of {@link tokenTiming}):
 * from then on an access-token request refreshes first and never hands it out. It does not move when a failed
 * refresh reschedules `next_refresh_at`. A row without `issuedAt` (written before it was stored)
 * uses the whole margin. @returns null when the row holds no expiry.
 */
export function accessTokenStaleAt(
  row: { accessTokenIssuedAt: Date | null; accessTokenExpiresAt: Date | null },
  marginSec: number,
): Date | null {
  const expiresAt = row.accessTokenExpiresAt
  if (!expiresAt) return null
  const lifetimeSec = row.accessTokenIssuedAt
    ? Math.max(0, (expiresAt.getTime() - row.accessTokenIssuedAt.getTime()) / 1000)
    : Number.POSITIVE_INFINITY
  return new Date(expiresAt.getTime() - leadSec(lifetimeSec, marginSec) * 1000)
}

/** Scheduler backoff after `failures` consecutive transient refresh failures: 30 s × 2^(n-1), at most 15 min. */
export function refreshBackoffMs(failures: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, failures - 1), 15 * 60_000)
}
