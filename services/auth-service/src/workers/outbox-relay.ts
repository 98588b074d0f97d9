import type { Outbox } from '../plugins/app/outbox.js'

/**
 * Publishes outbox rows left behind when NATS was down at commit time, every `intervalMs`.
 * @returns `stop()`, which waits for the flush in progress.
 */
export function startOutboxRelay(opts: {
  outbox: Outbox
  intervalMs: number
  log?: { warn(obj: object, msg: string): void }
}): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined
  const timer = setInterval(() => {
    if (running) return
    running = opts.outbox
      .flush()
      .catch((err) => opts.log?.warn({ err }, 'outbox relay flush failed; will retry'))
      .finally(() => {
        running = undefined
      })
  }, opts.intervalMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
