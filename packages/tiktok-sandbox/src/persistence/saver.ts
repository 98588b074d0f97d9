import { writeFileAtomic } from './atomic-write.js'

/** Writes a state file some time after changes, and once more on close. */
export interface StateSaver {
  /** Notes that the state may have changed: a save follows within `delayMs`. No-op once closed. */
  changed(): void
  /** Cancels the pending save, writes the current state, and ignores later changes. Throws the write error. */
  close(): Promise<void>
}

/** Options of `createStateSaver`. */
export interface StateSaverOptions {
  file: string
  /** The state as text; a save is skipped when it equals the last text written. */
  render(): string
  /** How long changes are gathered before one write, ms. */
  delayMs: number
  /** Receives the error of a background save (the next change tries again). */
  onError(err: unknown): void
}

/**
 * Debounced, atomic saves: the first change after a write arms one timer; changes until it
 * fires share that write, so a steady stream of requests writes at most once per `delayMs`.
 * Writes never overlap.
 */
export function createStateSaver(options: StateSaverOptions): StateSaver {
  let timer: NodeJS.Timeout | undefined
  let lastWritten: string | undefined
  let writing: Promise<void> = Promise.resolve()
  let closed = false

  const save = (): Promise<void> => {
    timer = undefined
    const text = options.render()
    if (text === lastWritten) return writing
    lastWritten = text
    writing = writing
      .catch(() => undefined)
      .then(() => writeFileAtomic(options.file, text))
      .catch((err) => {
        lastWritten = undefined
        throw err
      })
    return writing
  }

  return {
    changed() {
      if (closed || timer) return
      timer = setTimeout(() => void save().catch(options.onError), options.delayMs)
    },
    async close() {
      closed = true
      clearTimeout(timer)
      await save()
    },
  }
}
