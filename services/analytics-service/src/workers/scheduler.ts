import { setTimeout as sleep } from 'node:timers/promises'
import { withSpanContinuing } from '@social-bridge/service-kit'
import type { SyncOutcome } from '../domain/sync/sync-service.js'
import { analyticsMetrics } from '../metrics.js'
import type { AnalyticsDomain } from '../plugins/app/domain.js'

/** Options of {@link createScheduler}; durations in ms. */
export interface SchedulerOptions {
  domain: AnalyticsDomain
  tickMs: number
  /** Accounts synced at once by this replica. */
  concurrency: number
  leaseMs: number
  log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

/** The sync scheduler of one replica. */
export interface Scheduler {
  /**
   * Leases due accounts (`FOR UPDATE SKIP LOCKED`, so replicas split the work) and syncs them,
   * `concurrency` at a time, until none is due.
   * @returns the outcome of each account synced.
   */
  drain(): Promise<SyncOutcome[]>
  /** Runs `drain` every `tickMs` until `stop`. */
  start(): void
  /** Stops the loop and waits for the syncs in flight. */
  stop(): Promise<void>
}

export function createScheduler(opts: SchedulerOptions): Scheduler {
  const { domain } = opts
  let running = false
  let loop: Promise<void> | null = null
  const wake = new AbortController()

  async function drain(): Promise<SyncOutcome[]> {
    const outcomes: SyncOutcome[] = []
    for (;;) {
      const leased = await domain.leases.leaseDue(domain.clock(), opts.concurrency, opts.leaseMs)
      if (leased.length === 0) return outcomes
      // each sync continues the trace of the event that made its account due (a new one otherwise)
      analyticsMetrics.syncsInProgress.inc(leased.length)
      const done = await Promise.all(
        leased.map((c) =>
          withSpanContinuing('analytics sync', c.traceContext, () => domain.sync.syncConnection(c)),
        ),
      ).finally(() => analyticsMetrics.syncsInProgress.dec(leased.length))
      for (const o of done) analyticsMetrics.syncs.inc({ outcome: o.kind })
      outcomes.push(...done)
      if (!running && loop) return outcomes
    }
  }

  return {
    drain,
    start() {
      if (running) return
      running = true
      loop = (async () => {
        while (running) {
          try {
            await drain()
          } catch (err) {
            opts.log?.error({ err }, 'sync scheduler tick failed')
          }
          await sleep(opts.tickMs, undefined, { signal: wake.signal }).catch(() => {})
        }
      })()
    },
    async stop() {
      running = false
      wake.abort()
      await loop
    },
  }
}
