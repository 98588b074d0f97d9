/**
 * Transactional outbox: the one way a Social Bridge service publishes the events its state
 * changes cause (ARCHITECTURE.md "Events"). Each service keeps its own table in its own schema
 * (`outboxTable(schema)` in its `src/db/schema.ts`) and builds one `createOutbox` over it.
 *
 * Semantics:
 * - **Transactional.** `enqueue(tx, event)` inserts the event in the caller's transaction (a
 *   drizzle or a postgres.js one): the event exists if and only if the change it describes
 *   committed.
 * - **Event id = message id.** The envelope id is the row id and the JetStream `Nats-Msg-Id`.
 * - **At-least-once.** A row is deleted (the row policy: nothing published is kept, so there is
 *   nothing to prune) in the transaction that published it, once JetStream acknowledged it. A
 *   crash or a failed commit in between leaves the row, which is published again with the same
 *   id: JetStream stores it once within the stream's duplicate window (SOCIAL_EVENTS: 10 min);
 *   consumers are idempotent for anything later.
 * - **Ordered per aggregate.** Events with the same `aggregateId` (a connection, a post) are
 *   published in write order (`seq`), each only after the previous one was acknowledged; other
 *   aggregates go in parallel, with no order between them. Write order is commit order when the
 *   writers of one aggregate take turns (they hold its row lock while they enqueue), as every
 *   service's writers do.
 * - **Triggered after commit, and swept.** The caller calls `nudge()` after its commit (or awaits
 *   `flush()` to publish before it answers); the running relay (`start()`) also sweeps every
 *   `sweepMs`, which publishes what a nudge missed (a crash, a NATS outage, a retry coming due).
 * - **Safe with several replicas.** Each round locks due aggregate heads with
 *   `SELECT … FOR UPDATE SKIP LOCKED`, then the rows behind them: one aggregate is in one
 *   replica's hands at a time (never reordered), the others are shared out.
 * - **Retried with backoff, never dropped.** A failed publish keeps its row, with `attempts + 1`,
 *   `last_error` and `next_attempt_at` = failure time + `retry.baseMs · 2^(attempts − 1)` (at most
 *   `retry.maxMs`); its aggregate's later events wait behind it, other aggregates do not.
 */
import type { Envelope } from '@social-bridge/contracts'
import type { Registry } from 'prom-client'
import type { EventBus } from '../nats/event-bus.js'
import type { Database } from '../plugins/db.js'
import { drainRound, type RetryBackoff } from './drain.js'
import { enqueueEvent, type OutboxEvent, type OutboxExecutor } from './enqueue.js'
import { registerOutboxMetrics } from './metrics.js'
import { type RelayLoop, startRelayLoop } from './relay-loop.js'
import type { OutboxTable } from './table.js'

export { type RetryBackoff, retryDelayMs } from './drain.js'
export {
  type DrizzleExecutor,
  enqueueEvent,
  type OutboxEvent,
  type OutboxExecutor,
  type PostgresExecutor,
} from './enqueue.js'
export { type OutboxTable, outboxTable } from './table.js'

/** Options of {@link createOutbox}. */
export interface OutboxOptions {
  /** The service's drizzle database (`app.db`); the relay's rounds run on it. */
  db: Database
  /** The service's outbox table, from `outboxTable`. */
  table: OutboxTable
  bus: EventBus
  /** Where failed publishes and failed rounds are reported. */
  log?: { warn(obj: object, msg: string): void }
  /** Rows locked and published per round (one transaction). Default 100. */
  batchSize?: number
  /** The relay's sweep period, in ms. Default 1,000. */
  sweepMs?: number
  /** Delays between attempts of a failed publish, in ms. Default 1,000 doubling up to 60,000. */
  retry?: RetryBackoff
  /** The service's registry (`app.metrics`): adds the outbox backlog gauges (`registerOutboxMetrics`). */
  metrics?: Registry
}

/** What a flush did: events published, and events that failed (kept for a retry) with the first error. */
export interface FlushResult {
  published: number
  failed: number
  error?: unknown
}

/** A service's outbox: writing events with their change, and the relay that publishes them. */
export interface Outbox {
  /** {@link enqueueEvent} into this outbox's table: call it inside the caller's transaction. */
  enqueue<D>(tx: OutboxExecutor, event: OutboxEvent<D>): Promise<Envelope<D>>
  /**
   * Publishes the due events now, round after round until a round leaves nothing behind or
   * publishes nothing. A failed publish does not throw (it is counted, logged, and retried
   * later); rows other replicas hold are left to them.
   * @throws the database error of a round.
   */
  flush(): Promise<FlushResult>
  /** Tells the running relay that a commit wrote events (no-op when it is not started). */
  nudge(): void
  /** Starts the relay: a flush at once, after each nudge, and every `sweepMs`. Idempotent. */
  start(): void
  /** Stops the relay; resolves once its flush in progress has finished. */
  stop(): Promise<void>
}

/** Builds the outbox of one service (see the module's semantics). */
export function createOutbox(opts: OutboxOptions): Outbox {
  const batchSize = opts.batchSize ?? 100
  const backoff = opts.retry ?? { baseMs: 1000, maxMs: 60_000 }
  let relay: RelayLoop | undefined
  if (opts.metrics) registerOutboxMetrics(opts.metrics, opts.db, opts.table)

  async function flush(): Promise<FlushResult> {
    const total: FlushResult = { published: 0, failed: 0 }
    for (;;) {
      const round = await drainRound({ ...opts, limit: batchSize, backoff })
      total.published += round.published
      total.failed += round.failed
      if (round.failed > 0) {
        total.error ??= round.error
        opts.log?.warn(
          { err: round.error, failed: round.failed, retryInMs: round.retryInMs },
          'outbox: events not published; will retry',
        )
      }
      if (round.claimed < batchSize || round.published === 0) return total
    }
  }

  return {
    enqueue: (tx, event) => enqueueEvent(tx, opts.table, event),
    flush,
    nudge: () => relay?.nudge(),
    start() {
      relay ??= startRelayLoop({ work: flush, sweepMs: opts.sweepMs ?? 1000, log: opts.log })
    },
    async stop() {
      const running = relay
      relay = undefined
      await running?.stop()
    },
  }
}
