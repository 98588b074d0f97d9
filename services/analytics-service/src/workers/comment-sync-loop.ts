import { setTimeout as sleep } from 'node:timers/promises'
import type { CommentSync } from '../domain/comments/comment-sync.js'

/** The comment sync loop of one replica (docs/instagram-api.md "Comments"). */
export interface CommentSyncLoop {
  /**
   * Runs `sync.runDue()` (one batch) every `tickMs` until `stop`: at most `batch` media per tick per
   * replica, which also paces the calls to Instagram.
   */
  start(): void
  /** Stops the loop and waits for the round in flight. */
  stop(): Promise<void>
}

/** Creates the loop; replicas share the work through the sync's `FOR UPDATE SKIP LOCKED` lease. */
export function createCommentSyncLoop(opts: {
  sync: CommentSync
  tickMs: number
  log?: { error(obj: object, msg: string): void }
}): CommentSyncLoop {
  let running = false
  let loop: Promise<void> | null = null
  const wake = new AbortController()
  return {
    start() {
      if (running) return
      running = true
      loop = (async () => {
        while (running) {
          try {
            await opts.sync.runDue()
          } catch (err) {
            opts.log?.error({ err }, 'comment sync round failed')
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
