/** Items written in batches, one batch at a time (docs/webhooks-to-the-crm.md "Throughput"). */
export interface GroupCommit<T, R> {
  /** Queues `item` for the next batch. @returns its result once the batch is written. @throws what the write raised. */
  submit(item: T): Promise<R>
  /** Resolves once every queued item has been written (or failed to be). */
  drain(): Promise<void>
}

/**
 * Group commit: one batch is written at a time, and the items submitted while it is written form
 * the next one (at most `maxBatch`). Under light load a batch is one item written at once; under
 * heavy load batches grow, so the round trips per item fall instead of queueing.
 * `write` returns one result per item, in order; if it throws, every item of the batch gets the error.
 */
export function createGroupCommit<T, R>(
  write: (batch: T[]) => Promise<R[]>,
  maxBatch: number,
): GroupCommit<T, R> {
  type Waiting = { item: T; resolve(r: R): void; reject(err: unknown): void }
  let queue: Waiting[] = []
  let writing: Promise<void> | null = null

  async function writeAll() {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch)
      queue = queue.slice(batch.length)
      try {
        const results = await write(batch.map((w) => w.item))
        for (const [i, w] of batch.entries()) w.resolve(results[i] as R)
      } catch (err) {
        for (const w of batch) w.reject(err)
      }
    }
    writing = null
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject })
        writing ??= writeAll()
      })
    },
    async drain() {
      while (writing) await writing
    },
  }
}
