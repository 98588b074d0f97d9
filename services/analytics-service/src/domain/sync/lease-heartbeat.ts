import type { SyncLeases } from '../../repositories/sync-leases.js'

/** The replica no longer holds the account's sync lease: the sync stops and stores nothing. */
export class SyncLeaseLostError extends Error {
  override name = 'SyncLeaseLostError'
  readonly code = 'SYNC_LEASE_LOST'
  constructor(
    readonly connectionId: string,
    options?: { cause?: unknown },
  ) {
    super(`the sync lease on connection ${connectionId} was lost`, options)
  }
}

/** A running heartbeat: `signal` aborts (reason {@link SyncLeaseLostError}) once the lease is lost. */
export interface LeaseHeartbeat {
  readonly signal: AbortSignal
  /** Stops renewing (call when the sync ends, whatever its outcome). */
  stop(): void
}

/**
 * Renews an account's sync lease every `leaseMs / 3` while its sync runs, so a sync that waits
 * minutes for TikTok's budget (docs/tiktok-api.md §5) keeps the account. Aborts `signal` when a
 * renewal finds the lease taken over, or when no renewal succeeded for `leaseMs` (the database
 * was unreachable: another replica may have taken the account by now). Durations in ms.
 */
export function startLeaseHeartbeat(opts: {
  leases: Pick<SyncLeases, 'renew'>
  connectionId: string
  leaseToken: string
  leaseMs: number
  log?: { warn(obj: object, msg: string): void }
}): LeaseHeartbeat {
  const controller = new AbortController()
  const intervalMs = Math.max(1, Math.floor(opts.leaseMs / 3))
  let renewedAt = performance.now()
  let timer: NodeJS.Timeout | undefined
  let stopped = false

  const lose = (cause?: unknown) => controller.abort(new SyncLeaseLostError(opts.connectionId, { cause }))

  async function beat() {
    try {
      if (!(await opts.leases.renew(opts.connectionId, opts.leaseToken, opts.leaseMs))) return lose()
      renewedAt = performance.now()
    } catch (err) {
      opts.log?.warn({ connectionId: opts.connectionId, err }, 'sync lease renewal failed')
      if (performance.now() - renewedAt >= opts.leaseMs) return lose(err)
    }
    schedule()
  }

  function schedule() {
    if (stopped) return
    timer = setTimeout(() => void beat(), intervalMs)
    timer.unref()
  }

  schedule()
  return {
    signal: controller.signal,
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
