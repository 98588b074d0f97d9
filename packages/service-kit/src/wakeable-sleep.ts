/** A sleep that `wake()` ends early; for loops that idle between rounds but can be nudged. */
export interface WakeableSleep {
  /** Resolves after `ms` milliseconds, or at the next `wake()`, whichever is first. */
  sleep(ms: number): Promise<void>
  /** Ends the sleep in progress, if any (a no-op otherwise). */
  wake(): void
}

/** One sleeper for one loop; its timer does not keep the process alive. */
export function createWakeableSleep(): WakeableSleep {
  let wake: (() => void) | undefined
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms)
        timer.unref()
        function done() {
          clearTimeout(timer)
          wake = undefined
          resolve()
        }
        wake = done
      }),
    wake: () => wake?.(),
  }
}
