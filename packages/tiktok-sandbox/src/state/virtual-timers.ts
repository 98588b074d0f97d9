import type { Clock } from './clock.js'

/**
 * Timers on the virtual clock: a callback runs once virtual time reaches its due time, whether
 * real time gets there (a real timer for the remaining ms) or `clock.advance` jumps past it
 * (due callbacks then run at once, in due order). Lets a 72 h retry schedule be tested in
 * milliseconds.
 */
export interface VirtualTimers {
  /** Runs `fn` when the virtual clock reaches `dueAt` (virtual Unix ms). */
  at(dueAt: number, fn: () => void): void
  /** Number of callbacks still waiting. */
  pending(): number
  /** Cancels every waiting callback and stops listening to the clock. */
  close(): void
}

const MAX_TIMER_MS = 2 ** 31 - 1

interface Entry {
  dueAt: number
  fn: () => void
  timer: NodeJS.Timeout
}

/** Creates a timer set bound to `clock`. */
export function createVirtualTimers(clock: Clock): VirtualTimers {
  const entries = new Set<Entry>()
  const fire = (e: Entry) => {
    if (!entries.delete(e)) return
    clearTimeout(e.timer)
    e.fn()
  }
  // Real timers cap at ~24.8 days and may fire a hair early: re-arm until virtual time is due.
  const arm = (e: Entry) => {
    const wait = e.dueAt - clock.now()
    e.timer = setTimeout(
      () => (e.dueAt <= clock.now() ? fire(e) : arm(e)),
      Math.min(Math.max(0, wait), MAX_TIMER_MS),
    )
  }
  const unsubscribe = clock.onAdvance(() => {
    const now = clock.now()
    const due = [...entries].filter((e) => e.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt)
    for (const e of due) fire(e)
  })
  return {
    at(dueAt, fn) {
      const e: Entry = { dueAt, fn, timer: undefined as unknown as NodeJS.Timeout }
      arm(e)
      entries.add(e)
    },
    pending: () => entries.size,
    close() {
      unsubscribe()
      for (const e of entries) clearTimeout(e.timer)
      entries.clear()
    },
  }
}
