import type { RetrySchedule } from '../domain/retry-schedule.js'
import type { AttemptRecord, DeliveriesRepository } from '../repositories/deliveries-repository.js'

/** Records finished attempts in batches (docs/webhooks-to-the-crm.md "Throughput"). */
export interface AttemptRecorder {
  /**
   * Queues an attempt for the next batch. @returns whether it was recorded (false: the lease was
   * lost to another replica). @throws what the database raised; the lease then runs out and the
   * delivery is attempted again.
   */
  record(record: AttemptRecord): Promise<boolean>
  /** Resolves once every queued attempt has been written (or failed to be). */
  drain(): Promise<void>
}

/**
 * Group commit: one batch is written at a time, in one statement (`recordAttempts`), and the
 * attempts that end while it is written form the next one (at most `maxBatch`). Under light load a
 * batch is one attempt written at once; under heavy load the batches grow, so the round trips per
 * attempt fall instead of queueing.
 */
export function createAttemptRecorder(o: {
  deliveries: DeliveriesRepository
  owner: string
  schedule: RetrySchedule
  maxBatch: number
}): AttemptRecorder {
  type Waiting = { record: AttemptRecord; resolve(kept: boolean): void; reject(err: unknown): void }
  let queue: Waiting[] = []
  let writing: Promise<void> | null = null

  async function writeAll() {
    while (queue.length > 0) {
      const batch = queue.slice(0, o.maxBatch)
      queue = queue.slice(batch.length)
      try {
        const kept = await o.deliveries.recordAttempts(
          batch.map((w) => w.record),
          o.owner,
          o.schedule,
        )
        for (const w of batch) w.resolve(kept.has(w.record.leased.delivery.id))
      } catch (err) {
        for (const w of batch) w.reject(err)
      }
    }
    writing = null
  }

  return {
    record(record) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ record, resolve, reject })
        writing ??= writeAll()
      })
    },
    async drain() {
      while (writing) await writing
    },
  }
}
