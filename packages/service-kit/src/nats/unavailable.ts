import { JetStreamApiError } from '@nats-io/jetstream'
import { errors } from '@nats-io/transport-node'

/** Seconds a caller should wait after {@link isNatsUnavailable}: a NATS cluster elects a new leader within a few seconds. */
export const NATS_RETRY_AFTER_SEC = 1

const TRANSIENT = [
  errors.TimeoutError,
  errors.ConnectionError,
  errors.ClosedConnectionError,
  errors.DrainingConnectionError,
  errors.NoRespondersError,
  errors.RequestError,
]

/**
 * True when `err` (or its `cause`) says NATS could not be reached or did not answer in time — a
 * restart, a lost node, a JetStream leader election — rather than a refused request: the
 * operation may succeed if retried shortly. JetStream API errors count when their status is 503
 * (`JetStream system temporarily unavailable`, no leader yet).
 */
export function isNatsUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (TRANSIENT.some((cls) => e instanceof cls)) return true
    if (e instanceof JetStreamApiError && e.status === 503) return true
  }
  return false
}

/**
 * Runs `fn`, again every `delayMs` (default 500 ms) while it fails with {@link isNatsUnavailable}
 * (a cluster still forming or electing at start-up), for up to `timeoutMs` (default 60 s).
 * @throws the last error when it is not transient or time is up.
 */
export async function retryWhileNatsUnavailable<T>(
  fn: () => Promise<T>,
  opts: { timeoutMs?: number; delayMs?: number } = {},
): Promise<T> {
  const end = Date.now() + (opts.timeoutMs ?? 60_000)
  for (;;) {
    try {
      return await fn()
    } catch (err) {
      if (!isNatsUnavailable(err) || Date.now() >= end) throw err
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 500))
    }
  }
}
