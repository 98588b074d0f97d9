import { createWakeableSleep } from '../wakeable-sleep.js'
/** A background loop: `nudge()` runs it now, otherwise it runs every `sweepMs`. */
export interface RelayLoop {
  /** Runs the work again as soon as the current run ends (or now, when idle). */
  nudge(): void
  /** Ends the loop; resolves once the run in progress has finished. */
  stop(): Promise<void>
}

/**
 * Runs `work` at once, then again after each nudge and every `sweepMs` (ms), one run at a time.
 * A run that throws is logged and retried at the next nudge or sweep.
 */
export function startRelayLoop(opts: {
  work: () => Promise<unknown>
  sweepMs: number
  log?: { warn(obj: object, msg: string): void }
}): RelayLoop {
  let stopped = false
  let nudged = false
  const idle = createWakeableSleep()

  const loop = (async () => {
    while (!stopped) {
      nudged = false
      try {
        await opts.work()
      } catch (err) {
        opts.log?.warn({ err }, 'outbox relay: round failed; will retry')
      }
      if (!nudged && !stopped) await idle.sleep(opts.sweepMs)
    }
  })()

  return {
    nudge() {
      nudged = true
      idle.wake()
    },
    async stop() {
      stopped = true
      idle.wake()
      await loop
    },
  }
}
