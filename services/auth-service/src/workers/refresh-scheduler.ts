import type { Database, Outbox } from '@social-bridge/service-kit'
import { and, asc, eq, lte } from 'drizzle-orm'
import { connections } from '../db/schema.js'
import type { Refresher } from '../domain/refresher.js'

/** Counts of one scheduler pass. */
export interface SchedulerPass {
  refreshed: number
  reauthRequired: number
  failed: number
}

/** The refresh scheduler: refreshes connections ahead of expiry; safe with N replicas. */
export interface RefreshScheduler {
  /**
   * Reads due connections (`status = 'active' AND next_refresh_at <= now`) in rounds of
   * `batchSize`, locks each with `FOR UPDATE SKIP LOCKED` (re-checking it is still due) — so
   * replicas and concurrent access-token requests never refresh the same row twice — and refreshes it in that
   * transaction, `concurrency` at a time, until none is due.
   * `next_refresh_at` comes from the stored `expires_in` (see token-timing.ts). One row never fails
   * the pass: a token sealed under a key that is not configured is recorded, rescheduled with
   * backoff and counted in `failed`; any other error of a row is logged and the row skipped.
   */
  runOnce(): Promise<SchedulerPass>
  /** Runs `runOnce` every `intervalMs` (no overlap) until `stop()`. */
  start(): void
  /** Stops the timer and waits for the pass in progress. */
  stop(): Promise<void>
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

/** Builds the scheduler. `concurrency` defaults to 16 parallel claims. */
export function createRefreshScheduler(opts: {
  db: Database
  refresher: Refresher
  outbox: Outbox
  intervalMs: number
  concurrency?: number
  /** Candidates read per round. Default 500. */
  batchSize?: number
  log?: { error(obj: object, msg: string): void; info(obj: object, msg: string): void }
}): RefreshScheduler {
  const concurrency = opts.concurrency ?? 16
  const batchSize = opts.batchSize ?? 500
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined
  let stopped = false

  const due = () => and(eq(connections.status, 'active'), lte(connections.nextRefreshAt, new Date()))

  /** Locks one candidate if it is still due and nobody holds it, and refreshes it in that transaction. */
  async function claimAndRefresh(id: string, pass: SchedulerPass): Promise<boolean> {
    return opts.db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(connections)
        .where(and(eq(connections.id, id), due()))
        .for('update', { skipLocked: true })
      if (!row) return false // refreshed meanwhile, or locked by an access-token request or another replica
      const result = await opts.refresher.refreshLocked(tx, row, { trigger: 'scheduler', retryDelaysMs: [] })
      if (result.outcome === 'refreshed') pass.refreshed++
      else if (result.outcome === 'reauth_required') pass.reauthRequired++
      else pass.failed++
      return true
    })
  }

  /** Refreshes one candidate; an unexpected error of this row is logged and the row skipped. */
  async function attempt(id: string, pass: SchedulerPass, skipped: Set<string>): Promise<boolean> {
    try {
      return await claimAndRefresh(id, pass)
    } catch (err) {
      skipped.add(id)
      pass.failed++
      opts.log?.error({ err, connectionId: id }, 'refresh of one connection failed; skipped in this pass')
      return false
    }
  }

  async function runOnce(): Promise<SchedulerPass> {
    const pass: SchedulerPass = { refreshed: 0, reauthRequired: 0, failed: 0 }
    const skipped = new Set<string>()
    while (!stopped) {
      // Candidates are read without locks; each is then locked alone with SKIP LOCKED and the
      // due predicate re-checked on the locked version, so replicas share the work safely.
      const candidates = await opts.db
        .select({ id: connections.id })
        .from(connections)
        .where(due())
        .orderBy(asc(connections.nextRefreshAt))
        .limit(batchSize)
      const ids = shuffle(candidates.map((c) => c.id).filter((id) => !skipped.has(id)))
      if (ids.length === 0) break
      let claimed = 0
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let id = ids.pop(); id !== undefined && !stopped; id = ids.pop()) {
            if (await attempt(id, pass, skipped)) claimed++
          }
        }),
      )
      if (claimed === 0) break // everything left is held by someone else, or failed
    }
    await opts.outbox.flush()
    if (pass.refreshed + pass.reauthRequired + pass.failed > 0)
      opts.log?.info({ ...pass }, 'refresh pass done')
    return pass
  }

  const tick = () => {
    running = runOnce()
      .catch((err) => opts.log?.error({ err }, 'refresh pass failed'))
      .finally(() => {
        running = undefined
        if (!stopped) timer = setTimeout(tick, opts.intervalMs)
      })
  }

  return {
    runOnce,
    start() {
      stopped = false
      timer = setTimeout(tick, opts.intervalMs)
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
