import type { AuthClient } from '@social-bridge/auth-client'
import { TikTokError } from '@social-bridge/tiktok-client'
import type { BudgetEndpoint, RateBudget } from '../../rate-budget.js'

/** TikTok answered 429 (docs/tiktok-api.md §5): the endpoint is paused for every replica; retry the account later. */
export class TikTokRateLimitedError extends Error {
  override name = 'TikTokRateLimitedError'
  constructor(
    readonly endpoint: BudgetEndpoint,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(`TikTok rate-limited ${endpoint}`, options)
  }
}

/** What happened to one TikTok call, for metrics. */
export type CallOutcome = 'ok' | 'rate_limited' | 'token_invalid' | 'error'

/** Calls TikTok for one account during one sync. */
export interface TokenSession {
  /**
   * Runs `fn` with the session's access token after reserving one budget slot on `endpoint`. On
   * `access_token_invalid` (§2.1, category `token_invalid`) it asks auth-service again with
   * `forceRefresh: true` and retries once; a second failure is thrown.
   * @throws TikTokRateLimitedError on HTTP 429 (after pausing the endpoint's budget);
   *   AuthClientError when auth-service refuses; TikTokError otherwise.
   */
  call<T>(endpoint: BudgetEndpoint, fn: (accessToken: string) => Promise<T>): Promise<T>
  /** Reserves `count` budget slots on `endpoint` at once (fewer budget round trips); `call` uses them first. */
  prepay(endpoint: BudgetEndpoint, count: number): Promise<void>
  /** Calls made so far, by endpoint (retries included). */
  readonly calls: Record<BudgetEndpoint, number>
  /** Forced refreshes asked of auth-service (at most one per session). */
  readonly forcedRefreshes: number
}

/**
 * Opens a session: gets an access token for the connection now (so an unusable account is known
 * before any TikTok call). The token stays in memory for this sync only; it is never stored,
 * logged or put in an error. Once `signal` aborts (the sync lease was lost), every `call` and
 * `prepay` throws `signal.reason` instead of calling TikTok, including one waiting for budget.
 * @throws AuthClientError when auth-service refuses or is down.
 */
export async function openTokenSession(deps: {
  authClient: AuthClient
  budget: RateBudget
  connectionId: string
  tenantId: string
  rateLimitBackoffMs: number
  onCall?: (endpoint: BudgetEndpoint, outcome: CallOutcome) => void
  signal?: AbortSignal
}): Promise<TokenSession> {
  const { signal } = deps
  let token = (await deps.authClient.getAccessToken(deps.connectionId, { tenantId: deps.tenantId }))
    .accessToken
  let refreshed = 0
  const calls: Record<BudgetEndpoint, number> = { 'user.info': 0, 'video.list': 0, 'video.query': 0 }
  const prepaid: Record<BudgetEndpoint, number> = { 'user.info': 0, 'video.list': 0, 'video.query': 0 }

  async function attempt<T>(endpoint: BudgetEndpoint, fn: (t: string) => Promise<T>): Promise<T> {
    signal?.throwIfAborted()
    if (prepaid[endpoint] > 0) prepaid[endpoint]--
    else await deps.budget.acquire(endpoint, 1, { signal })
    signal?.throwIfAborted()
    calls[endpoint]++
    try {
      const result = await fn(token)
      deps.onCall?.(endpoint, 'ok')
      return result
    } catch (err) {
      const category = err instanceof TikTokError ? err.category : 'error'
      deps.onCall?.(
        endpoint,
        category === 'rate_limited'
          ? 'rate_limited'
          : category === 'token_invalid'
            ? 'token_invalid'
            : 'error',
      )
      if (category === 'rate_limited') {
        await deps.budget.penalize(endpoint, deps.rateLimitBackoffMs)
        throw new TikTokRateLimitedError(endpoint, deps.rateLimitBackoffMs, { cause: err })
      }
      throw err
    }
  }

  return {
    calls,
    async prepay(endpoint, count) {
      if (count <= 0) return
      prepaid[endpoint] += await deps.budget.acquire(endpoint, count, { signal })
    },
    get forcedRefreshes() {
      return refreshed
    },
    async call(endpoint, fn) {
      try {
        return await attempt(endpoint, fn)
      } catch (err) {
        if (!(err instanceof TikTokError) || err.category !== 'token_invalid' || refreshed > 0) throw err
        refreshed++
        token = (
          await deps.authClient.getAccessToken(deps.connectionId, {
            tenantId: deps.tenantId,
            forceRefresh: true,
          })
        ).accessToken
        return attempt(endpoint, fn)
      }
    },
  }
}
