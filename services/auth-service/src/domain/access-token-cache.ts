import type { ConnectionAccessToken } from '@social-bridge/contracts'

/** Options of {@link createAccessTokenCache}. */
export interface AccessTokenCacheOptions {
  /** ACCESS_TOKEN_CACHE_TTL_MS: longest an entry is served without reading the row again, ms; 0 = no cache. */
  ttlMs: number
  /** Entries kept at once; the oldest is dropped first (default 50,000). */
  maxEntries?: number
}

/**
 * This replica's memory of access tokens it handed out, so a valid token is handed out again
 * without a database round trip (services/auth-service/README.md "Access-token cache"). An entry
 * is served only until the earliest of: its safety TTL, the token's refresh time
 * (`next_refresh_at`) and the margin of its expiry — never a token the database read would not
 * hand out for its timing. Every change of a connection (refresh, reauth, disconnect, revoke,
 * reconnect) drops its entry: here at once when this replica made it, on every replica when the
 * `social.connection.*` event arrives (`startAccessTokenInvalidation`). The cache is off
 * (`enabled` false: nothing stored or served) until the invalidation subscription is live and
 * whenever the NATS connection is down, since events could then be missed.
 */
export interface AccessTokenCache {
  /** The token handed out for `id` if it may still be served at `nowMs` (Unix ms), else undefined. */
  get(id: string, nowMs: number): ConnectionAccessToken | undefined
  /**
   * Take before reading a row: `put` with it stores nothing if any invalidation happened since, so a
   * row read before a change never outlives the change's event.
   */
  ticket(): number
  /** Remembers `value` for `id` until `untilMs` (Unix ms, capped by the TTL from `nowMs`), unless stale (see `ticket`). */
  put(ticket: number, id: string, value: ConnectionAccessToken, untilMs: number, nowMs: number): void
  /** Drops `id`'s entry (its row changed or is about to). */
  invalidate(id: string): void
  /** Turns the cache on or off; both drop every entry. */
  setEnabled(enabled: boolean): void
  readonly enabled: boolean
}

/** Builds the cache (off until `setEnabled(true)`; always off when `ttlMs` is 0). */
export function createAccessTokenCache(opts: AccessTokenCacheOptions): AccessTokenCache {
  const maxEntries = opts.maxEntries ?? 50_000
  const entries = new Map<string, { value: ConnectionAccessToken; untilMs: number }>()
  let enabled = false
  // bumped by every invalidation: a fill whose ticket is older read a row that may have changed
  let epoch = 0
  return {
    get(id, nowMs) {
      const hit = entries.get(id)
      if (!hit) return undefined
      if (nowMs < hit.untilMs) return hit.value
      entries.delete(id)
      return undefined
    },
    ticket: () => epoch,
    put(ticket, id, value, untilMs, nowMs) {
      if (!enabled || ticket !== epoch) return
      const until = Math.min(untilMs, nowMs + opts.ttlMs)
      if (nowMs >= until) return
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string)
      entries.set(id, { value, untilMs: until })
    },
    invalidate(id) {
      epoch++
      entries.delete(id)
    },
    setEnabled(on) {
      epoch++
      entries.clear()
      enabled = on && opts.ttlMs > 0
    },
    get enabled() {
      return enabled
    },
  }
}
