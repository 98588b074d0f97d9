import { apiErrors } from './errors.js'
import type { SandboxSettings } from './settings.js'
import type { Clock } from './state/clock.js'

/**
 * Sliding-window limiter (docs/tiktok-api.md §5). Limits come from `settings.rateLimits[endpoint]`; the key
 * is the app (client_key) or the access token. Only admitted requests count.
 */
export interface RateLimiter {
  /** Throws `rate_limit_exceeded` (429) when `endpoint` is over its limit for this app/token. */
  check(endpoint: string, keys: { app: string; token?: string }): void
  reset(): void
}

export function createRateLimiter(settings: SandboxSettings, clock: Clock): RateLimiter {
  const windows = new Map<string, number[]>()
  return {
    check(endpoint, keys) {
      const rule = settings.rateLimits[endpoint]
      if (!rule) return
      const key = `${endpoint}|${rule.key === 'token' ? (keys.token ?? keys.app) : keys.app}`
      const now = clock.now()
      const since = now - settings.rateLimitWindowMs
      const hits = (windows.get(key) ?? []).filter((t) => t > since)
      if (hits.length >= rule.limit) {
        windows.set(key, hits)
        throw apiErrors.rateLimited()
      }
      hits.push(now)
      windows.set(key, hits)
    },
    reset: () => windows.clear(),
  }
}
