import { setTimeout as sleep } from 'node:timers/promises'
import type { Sql } from 'postgres'

/** The gate is closed on `key` until `retryAt` (app clock): stop, reschedule the account, do not call. */
export class UsageGateClosedError extends Error {
  override name = 'UsageGateClosedError'
  constructor(
    readonly key: string,
    readonly retryAt: Date,
    reason: string,
  ) {
    super(`Instagram ${reason} on ${key}; calls resume at ${retryAt.toISOString()}`)
  }
}

/** One usage figure read from a response's headers: the highest percentage of the key's limit. */
export interface UsageReport {
  /** `instagram:app` or `instagram:account:<ig-user-id>` (see {@link usageKeys}). */
  key: string
  /** 0–100+ (% of the limit). */
  usagePct: number
  /** `estimated_time_to_regain_access` in ms; 0 when not given. */
  regainMs: number
}

/** Thresholds of {@link createUsageGate}; durations in ms. */
export interface UsageGateOptions {
  sql: Sql
  /** The app clock (the accounts' due times use it too). */
  clock: () => Date
  /** From this usage (%), calls on the key are spaced `slowIntervalMs` apart. */
  slowPct: number
  /** From this usage (%), no call is made on the key for `pauseMs` (or Meta's regain estimate, if longer). */
  stopPct: number
  slowIntervalMs: number
  pauseMs: number
}

/**
 * Backs off before Meta throttles (docs/instagram-api.md "Rate limits"), from the usage headers
 * every Graph answer carries, shared by every replica through `analytics.api_usage`.
 */
export interface UsageGate {
  /**
   * Waits until every key may be called: a key in the slow zone is waited for inline (at most
   * `slowIntervalMs`); a longer wait is not made here.
   * @returns ms waited (0 when no key was slowed).
   * @throws UsageGateClosedError when a key is paused for longer than one slow interval;
   *   `signal.reason` once `signal` aborts.
   */
  pass(keys: readonly string[], opts?: { signal?: AbortSignal }): Promise<number>
  /**
   * Records the usage a response reported. Below `slowPct` nothing waits; from `slowPct` the next
   * call waits `slowIntervalMs`; from `stopPct` the key pauses `max(pauseMs, regainMs)`. A pause is
   * never shortened by a later report.
   */
  observe(reports: readonly UsageReport[]): Promise<void>
  /** Meta throttled the key anyway: pause it for `delayMs`. @returns when calls resume (app clock). */
  pause(key: string, delayMs: number): Promise<Date>
}

/** The gate keys of a call for the account `igUserId`: the app's platform limit and the account's. */
export function usageKeys(igUserId: string): { app: string; account: string } {
  return { app: 'instagram:app', account: `instagram:account:${igUserId}` }
}

export function createUsageGate(opts: UsageGateOptions): UsageGate {
  const { sql } = opts

  async function save(key: string, usagePct: number, resumeAt: Date | null) {
    const now = opts.clock()
    await sql`
      insert into analytics.api_usage (key, usage_pct, observed_at, resume_at)
      values (${key}, ${Math.round(usagePct)}, ${now}, ${resumeAt})
      on conflict (key) do update set usage_pct = excluded.usage_pct, observed_at = excluded.observed_at,
        resume_at = greatest(api_usage.resume_at, excluded.resume_at)`
  }

  return {
    async pass(keys, { signal } = {}) {
      let waited = 0
      for (;;) {
        signal?.throwIfAborted()
        const rows = await sql<{ key: string; resumeAt: Date; usagePct: number }[]>`
          select key, resume_at as "resumeAt", usage_pct as "usagePct" from analytics.api_usage
          where key = any(${keys as string[]}::text[]) and resume_at is not null
          order by resume_at desc limit 1`
        const row = rows[0]
        const waitMs = row ? row.resumeAt.getTime() - opts.clock().getTime() : 0
        if (!row || waitMs <= 0) return waited
        if (waitMs > opts.slowIntervalMs) {
          const reason = row.usagePct >= opts.stopPct ? `usage at ${row.usagePct} %` : 'throttling'
          throw new UsageGateClosedError(row.key, row.resumeAt, reason)
        }
        try {
          await sleep(waitMs, undefined, { signal })
        } catch (err) {
          signal?.throwIfAborted()
          throw err
        }
        waited += waitMs
      }
    },

    async observe(reports) {
      const now = opts.clock().getTime()
      for (const r of reports) {
        const pause = Math.max(opts.pauseMs, r.regainMs)
        const resumeAt =
          r.usagePct >= opts.stopPct
            ? new Date(now + pause)
            : r.usagePct >= opts.slowPct
              ? new Date(now + opts.slowIntervalMs)
              : null
        await save(r.key, r.usagePct, resumeAt)
      }
    },

    async pause(key, delayMs) {
      const resumeAt = new Date(opts.clock().getTime() + delayMs)
      await save(key, 100, resumeAt)
      const [row] = await sql<{ resumeAt: Date }[]>`
        select resume_at as "resumeAt" from analytics.api_usage where key = ${key}`
      return row?.resumeAt ?? resumeAt
    },
  }
}
