import { and, asc, eq, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { EventBus } from '../nats/event-bus.js'
import type { Database } from '../plugins/db.js'
import { withProducerSpan } from '../tracing/nats-context.js'
import type { OutboxTable } from './table.js'

/** Delays between publish attempts of one event, in ms: `baseMs · 2^(attempts − 1)`, at most `maxMs`. */
export interface RetryBackoff {
  baseMs: number
  maxMs: number
}

/** What one round did: rows locked, published (and deleted), and failed (kept, retried later). */
export interface RoundResult {
  claimed: number
  published: number
  failed: number
  /** The first publish error of the round, if any. */
  error?: unknown
  /** The longest retry delay set in this round, in ms (0 when nothing failed). */
  retryInMs: number
}

type Row = OutboxTable['$inferSelect']

/** The delay before the next attempt of a row that has now failed `attempts` times, in ms. */
export const retryDelayMs = (backoff: RetryBackoff, attempts: number): number =>
  Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1))

/**
 * Locks up to `limit` rows to publish, in one transaction: first, with `FOR UPDATE SKIP LOCKED`,
 * the due heads (oldest row of their aggregate, `next_attempt_at` unset or past), so replicas
 * take different aggregates; then the rows behind those heads. An aggregate whose head another
 * replica holds has no head here (its head is still visible), so none of its later rows is
 * taken: that is what keeps an aggregate's events in order across replicas.
 * @returns the rows in `seq` order.
 */
async function claim(tx: Pick<Database, 'select'>, table: OutboxTable, limit: number): Promise<Row[]> {
  const earlier = alias(table, 'earlier')
  const heads = await tx
    .select({ aggregateId: table.aggregateId })
    .from(table)
    .where(
      and(
        or(isNull(table.nextAttemptAt), lte(table.nextAttemptAt, sql`now()`)),
        notExists(
          tx
            .select({ one: sql`1` })
            .from(earlier)
            .where(and(eq(earlier.aggregateId, table.aggregateId), lt(earlier.seq, table.seq))),
        ),
      ),
    )
    .orderBy(asc(table.seq))
    .limit(limit)
    .for('update', { skipLocked: true })
  if (heads.length === 0) return []
  return tx
    .select()
    .from(table)
    .where(
      inArray(
        table.aggregateId,
        heads.map((h) => h.aggregateId),
      ),
    )
    .orderBy(asc(table.seq))
    .limit(limit)
    .for('update')
}

/** Splits rows (in `seq` order) by aggregate, keeping each aggregate's order. */
function byAggregate(rows: Row[]): Row[][] {
  const groups = new Map<string, Row[]>()
  for (const row of rows) {
    const group = groups.get(row.aggregateId)
    if (group) group.push(row)
    else groups.set(row.aggregateId, [row])
  }
  return [...groups.values()]
}

/**
 * One relay round in one transaction: claims rows (see `claim`), publishes each aggregate's rows
 * one after another (aggregates in parallel), each in a PRODUCER span continuing the row's stored
 * trace (`withProducerSpan`), deletes the acknowledged rows, and on the first
 * failure of an aggregate stops it there and gives the failed row `attempts + 1`, its error and
 * `next_attempt_at` = the failure time + `retryDelayMs`, so it and the rows behind it wait. A crash before the
 * commit leaves published rows in place: they are published again with the same `Nats-Msg-Id`.
 * @throws the database error of a query (nothing is deleted or marked then).
 */
export function drainRound(opts: {
  db: Database
  table: OutboxTable
  bus: EventBus
  limit: number
  backoff: RetryBackoff
}): Promise<RoundResult> {
  const { table } = opts
  return opts.db.transaction(async (tx) => {
    const rows = await claim(tx, table, opts.limit)
    const published: string[] = []
    const failed: { row: Row; err: unknown }[] = []
    await Promise.all(
      byAggregate(rows).map(async (group) => {
        for (const row of group) {
          try {
            // in the trace the row was written in: the message's headers carry it on to consumers
            await withProducerSpan(row.subject, row.traceContext, () =>
              opts.bus.publish(row.subject, row.envelope),
            )
            published.push(row.id)
          } catch (err) {
            failed.push({ row, err })
            return
          }
        }
      }),
    )
    if (published.length > 0) await tx.delete(table).where(inArray(table.id, published))
    let retryInMs = 0
    for (const { row, err } of failed) {
      const delayMs = retryDelayMs(opts.backoff, row.attempts + 1)
      retryInMs = Math.max(retryInMs, delayMs)
      await tx
        .update(table)
        .set({
          attempts: row.attempts + 1,
          nextAttemptAt: sql`clock_timestamp() + make_interval(secs => ${delayMs / 1000})`,
          lastError: err instanceof Error ? err.message : String(err),
        })
        .where(eq(table.id, row.id))
    }
    return {
      claimed: rows.length,
      published: published.length,
      failed: failed.length,
      error: failed[0]?.err,
      retryInMs,
    }
  })
}
