import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { createWakeableSleep } from '@social-bridge/service-kit'
import type { WorkerDeps } from './deps.js'
import { runJob } from './run-job.js'

/** A running publish worker. */
export interface PublishWorker {
  /** This replica's id; each claim leases its jobs as `<id>:<n>` (see startPublishWorker). */
  readonly owner: string
  /** Look for due jobs now (e.g. right after a post was created). */
  nudge(): void
  /** Stops claiming, hands running jobs back (their uploads stop before the next chunk), resolves when idle. */
  stop(): Promise<void>
}

/**
 * Claims due posts (FOR UPDATE SKIP LOCKED + lease, see job-queue.ts) up to
 * `WORKER_CONCURRENCY` at a time and runs them; idles `WORKER_POLL_INTERVAL_MS` between looks.
 * Each claim leases under its own owner id (`<replica>:<claim number>`): when a run's lease
 * lapses and this same replica claims the job again, the earlier run's fenced writes and lease
 * renewals fail, so it stops instead of working beside the new run.
 */
export function startPublishWorker(d: WorkerDeps): PublishWorker {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
  let claims = 0
  const stopper = new AbortController()
  const active = new Set<Promise<void>>()
  const idle = createWakeableSleep()
  const nudge = () => idle.wake()

  const loop = (async () => {
    while (!stopper.signal.aborted) {
      const free = d.config.WORKER_CONCURRENCY - active.size
      let claimed = 0
      if (free > 0) {
        try {
          const claimOwner = `${owner}:${(claims++).toString(36)}`
          const jobs = await d.queue.claim(claimOwner, d.config.WORKER_LEASE_MS, free)
          claimed = jobs.length
          for (const post of jobs) {
            const run: Promise<void> = runJob(d, post, claimOwner, stopper.signal).finally(() => {
              active.delete(run)
              nudge()
            })
            active.add(run)
          }
        } catch (err) {
          d.log.error({ err }, 'claiming jobs failed')
        }
      }
      if (stopper.signal.aborted) break
      if (claimed === 0 || active.size >= d.config.WORKER_CONCURRENCY)
        await idle.sleep(d.config.WORKER_POLL_INTERVAL_MS)
    }
    await Promise.allSettled([...active])
  })()

  return {
    owner,
    nudge,
    async stop() {
      stopper.abort(new Error('worker stopping'))
      nudge()
      await loop
    },
  }
}
