import { setTimeout as sleep } from 'node:timers/promises'
import type { Sql } from 'postgres'

/** Display endpoints that share TikTok's 600 requests/min budget, each counted separately (docs/tiktok-api.md §5). */
export type BudgetEndpoint = 'user.info' | 'video.list' | 'video.query'

/** Raised when no slot freed up within `maxWaitMs`: reschedule the work, do not call TikTok. */
export class RateBudgetExhaustedError extends Error {
  override name = 'RateBudgetExhaustedError'
  constructor(
    readonly endpoint: string,
    readonly retryAfterMs: number,
  ) {
    super(`TikTok ${endpoint} budget exhausted; retry in ${retryAfterMs} ms`)
  }
}

/**
 * TikTok's per-endpoint, per-app (client_key) sliding window (docs/tiktok-api.md §5), kept in
 * PostgreSQL so every replica draws from one budget.
 */
export interface RateBudget {
  /**
   * Reserves `count` calls on `endpoint` (at most the limit), waiting until the window has room.
   * @returns how many were reserved (`min(count, limit)`).
   * @throws RateBudgetExhaustedError after waiting `maxWaitMs` in vain; `signal.reason` as soon
   *   as `signal` aborts (the wait stops, nothing is reserved).
   */
  acquire(endpoint: BudgetEndpoint, count?: number, opts?: { signal?: AbortSignal }): Promise<number>
  /** TikTok answered 429 anyway: pause `endpoint` for every replica for `backoffMs`. */
  penalize(endpoint: BudgetEndpoint, backoffMs?: number): Promise<void>
}

/** Options of {@link createRateBudget}; durations in ms. */
export interface RateBudgetOptions {
  sql: Sql
  clientKey: string
  /** Calls per window (600 at TikTok). */
  limit: number
  windowMs: number
  /** Extra window length absorbing network delay between our count and TikTok's. */
  safetyMs: number
  backoffMs: number
  /** Longest wait for a slot before giving up. Default 5 windows. */
  maxWaitMs?: number
}

/**
 * A sliding-window log: each granted call is a row in `analytics.api_calls`; a grant happens
 * under a transaction-scoped advisory lock on the key, on the database clock, so replicas on
 * different machines agree. Rows older than the window are deleted as the window slides.
 */
export function createRateBudget(opts: RateBudgetOptions): RateBudget {
  const windowMs = opts.windowMs + opts.safetyMs
  const maxWaitMs = opts.maxWaitMs ?? 5 * windowMs
  const keyOf = (endpoint: string) => `${opts.clientKey}:${endpoint}`

  /** Grants now (returns 0) or returns the ms until the window has room. */
  async function tryAcquire(key: string, count: number): Promise<number> {
    return opts.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${key}))`
      const secs = windowMs / 1000
      // one round trip: any 429 pause, the calls in the window; rows that left it are pruned
      const [state] = await tx<{ blockWaitMs: number | null; used: number }[]>`
        with pruned as (
          delete from analytics.api_calls
          where key = ${key} and at <= clock_timestamp() - make_interval(secs => ${secs}) returning 1)
        select
          (select ceil(extract(epoch from blocked_until - clock_timestamp()) * 1000)::int
           from analytics.api_blocks where key = ${key} and blocked_until > clock_timestamp()) as "blockWaitMs",
          (select count(*)::int from analytics.api_calls
           where key = ${key} and at > clock_timestamp() - make_interval(secs => ${secs})) as used,
          (select count(*) from pruned) as pruned`
      if (state?.blockWaitMs) return Math.max(1, state.blockWaitMs)
      const used = state?.used ?? 0
      if (used + count <= opts.limit) {
        await tx`insert into analytics.api_calls (key, at)
          select ${key}, clock_timestamp() from generate_series(1, ${count})`
        return 0
      }
      // room for `count` once the (used + count - limit) oldest calls have left the window
      const [freeing] = await tx<{ waitMs: number }[]>`
        select ceil(extract(epoch from at + make_interval(secs => ${windowMs / 1000}) - clock_timestamp()) * 1000)::int as "waitMs"
        from analytics.api_calls where key = ${key}
        order by at asc offset ${used + count - opts.limit - 1} limit 1`
      return Math.max(1, freeing?.waitMs ?? 1)
    })
  }

  return {
    async acquire(endpoint, count = 1, { signal } = {}) {
      const n = Math.min(Math.max(1, count), opts.limit)
      const key = keyOf(endpoint)
      const started = Date.now()
      for (;;) {
        signal?.throwIfAborted()
        const waitMs = await tryAcquire(key, n)
        if (waitMs === 0) return n
        const waited = Date.now() - started
        if (waited + waitMs > maxWaitMs) throw new RateBudgetExhaustedError(endpoint, waitMs)
        try {
          await sleep(waitMs + Math.floor(Math.random() * 20), undefined, { signal })
        } catch (err) {
          signal?.throwIfAborted()
          throw err
        }
      }
    },

    async penalize(endpoint, backoffMs = opts.backoffMs) {
      const key = keyOf(endpoint)
      await opts.sql`
        insert into analytics.api_blocks (key, blocked_until)
        values (${key}, clock_timestamp() + make_interval(secs => ${backoffMs / 1000}))
        on conflict (key) do update set blocked_until = greatest(api_blocks.blocked_until, excluded.blocked_until)`
    },
  }
}
