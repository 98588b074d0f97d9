import type { AuthClient } from '@social-bridge/auth-client'
import { type GraphUsage, InstagramGraphError, type WithUsage } from '@social-bridge/instagram-client'
import { type UsageGate, type UsageReport, usageKeys } from '../../usage-gate.js'

/** Meta throttled a call (docs/instagram-api.md "Rate limits"): the key is paused; retry the account at `retryAt`. */
export class InstagramThrottledError extends Error {
  override name = 'InstagramThrottledError'
  constructor(
    readonly retryAt: Date,
    options?: { cause?: unknown },
  ) {
    super(`Instagram throttled the call; retry at ${retryAt.toISOString()}`, options)
  }
}

/** What happened to one Graph call, for metrics (`instagram:<outcome>` in `callStats`). */
export type InstagramCallOutcome = 'ok' | 'paced' | 'rate_limited' | 'token_invalid' | 'error'

/** Calls Instagram for one account during one sync. */
export interface InstagramSession {
  /**
   * Runs `fn` with the session's access token once the usage gate lets the account's keys through,
   * then records the usage headers of the answer (or of the error). On a dead token (code 190)
   * it asks auth-service again with `forceRefresh: true` and retries once.
   * @throws UsageGateClosedError (usage too high: nothing was called); InstagramThrottledError
   *   (Meta throttled: the key is paused for everyone); AuthClientError; InstagramGraphError.
   */
  call<T>(fn: (accessToken: string) => Promise<WithUsage<T>>): Promise<T>
  /** Graph calls made so far (retries included). */
  readonly calls: number
}

/** The usage headers of one answer as gate reports: the app's, and the account's (every BUC entry). */
export function usageReports(usage: GraphUsage, igUserId: string): UsageReport[] {
  const keys = usageKeys(igUserId)
  const reports: UsageReport[] = []
  if (usage.app) {
    const { callCount, totalTime, totalCputime } = usage.app
    reports.push({ key: keys.app, usagePct: Math.max(callCount, totalTime, totalCputime), regainMs: 0 })
  }
  if (usage.businessUseCase.length > 0) {
    const pct = Math.max(
      ...usage.businessUseCase.map((b) => Math.max(b.callCount, b.totalTime, b.totalCputime)),
    )
    reports.push({ key: keys.account, usagePct: pct, regainMs: usage.regainAccessMs })
  }
  return reports
}

/**
 * Opens a session: gets an access token for the connection now (an unusable account is known
 * before any call). The token stays in memory for this sync only; it is never stored, logged or
 * put in an error (the client scrubs it from Graph's messages). Once `signal` aborts (the sync
 * lease was lost) every call throws `signal.reason`, including one waiting at the gate.
 * @throws AuthClientError when auth-service refuses or is down.
 */
export async function openInstagramSession(deps: {
  authClient: AuthClient
  gate: UsageGate
  connectionId: string
  tenantId: string
  /** The account's ig-user-id (the connection's `open_id`). */
  igUserId: string
  /** Pause after Meta throttles, unless its regain estimate is longer (ms). */
  throttleBackoffMs: number
  onCall?: (outcome: InstagramCallOutcome) => void
  signal?: AbortSignal
}): Promise<InstagramSession> {
  const { signal, gate, igUserId } = deps
  const keys = usageKeys(igUserId)
  const tokenFor = async (forceRefresh: boolean) =>
    (await deps.authClient.getAccessToken(deps.connectionId, { tenantId: deps.tenantId, forceRefresh }))
      .accessToken
  let token = await tokenFor(false)
  let refreshed = false
  let calls = 0

  async function attempt<T>(fn: (t: string) => Promise<WithUsage<T>>): Promise<T> {
    if ((await gate.pass([keys.app, keys.account], { signal })) > 0) deps.onCall?.('paced')
    signal?.throwIfAborted()
    calls++
    try {
      const res = await fn(token)
      await gate.observe(usageReports(res.usage, igUserId))
      deps.onCall?.('ok')
      return res.value
    } catch (err) {
      if (!(err instanceof InstagramGraphError)) throw err
      if (err.usage) await gate.observe(usageReports(err.usage, igUserId))
      const outcome =
        err.category === 'rate_limited'
          ? 'rate_limited'
          : err.category === 'grant_invalid'
            ? 'token_invalid'
            : 'error'
      deps.onCall?.(outcome)
      if (err.category === 'rate_limited') {
        // code 4 is the app's platform limit; 17, 32, 613, 80002 and a bare 429 are the account's
        const key = err.code === 4 ? keys.app : keys.account
        const delay = Math.max(deps.throttleBackoffMs, err.usage?.regainAccessMs ?? 0)
        throw new InstagramThrottledError(await gate.pause(key, delay), { cause: err })
      }
      throw err
    }
  }

  return {
    get calls() {
      return calls
    },
    async call(fn) {
      try {
        return await attempt(fn)
      } catch (err) {
        if (!(err instanceof InstagramGraphError) || err.category !== 'grant_invalid' || refreshed) throw err
        refreshed = true
        token = await tokenFor(true)
        return attempt(fn)
      }
    },
  }
}
