import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Sql } from 'postgres'
import { Gauge, type Registry } from 'prom-client'
import { redactText } from '../redact.js'

/**
 * PostgreSQL spans and pool gauges for postgres.js, in one place. The OpenTelemetry `pg`
 * instrumentation does not see postgres.js (a driver of its own), so this hooks the one method
 * every postgres.js query goes through when it runs (`Query#handle`, on the prototype shared by all
 * clients of the process) and the client's `begin` and `reserve`. docs/operations.md "Tracing" and
 * "Metrics".
 */

/** What postgres.js's Query carries that this module reads (postgres/src/query.js, 3.4). */
interface RunningQuery {
  executed: boolean
  strings: readonly string[]
  handler: unknown
  options: { onexecute?: unknown }
  resolve(value: unknown): void
  reject(err: unknown): void
  handle(): Promise<void>
}

/** Connection demand of one pool, counted at the client. */
interface PoolDemand {
  max: number
  /** Queries outside a transaction that are running or waiting. */
  queries: number
  /** Transactions (`begin`) and reserved connections (`reserve`) open. */
  held: number
}

const tracer = trace.getTracer('@social-bridge/service-kit/postgres')
/** Pool handler (the `handler` of a query run on the pool itself, not in a transaction) → its demand. */
const pools = new WeakMap<object, PoolDemand>()
const PATCHED = Symbol.for('social-bridge.postgres-instrumented')
const MAX_QUERY_TEXT = 2000

/** The SQL text of a query, parameters as `$n` (their values are never read), secrets scrubbed, capped. */
export function queryText(strings: readonly string[]): string {
  const text = strings.reduce((acc, part, i) => `${acc}$${i}${part}`)
  return redactText(text.replace(/\s+/g, ' ').trim()).slice(0, MAX_QUERY_TEXT)
}

/** `SELECT`, `INSERT`, `BEGIN`… — the statement's first keyword (the span name). */
const operationOf = (text: string): string => /^\(?\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY'

/** Runs `done` once, when the query resolves or rejects (wrapping its settle functions). */
function onSettled(query: RunningQuery, done: (err?: unknown) => void): void {
  const { resolve, reject } = query
  let settled = false
  query.resolve = (value) => {
    if (!settled) done()
    settled = true
    resolve.call(query, value)
  }
  query.reject = (err) => {
    if (!settled) done(err)
    settled = true
    reject.call(query, err)
  }
}

/** A CLIENT span for `query` when it runs inside a trace (no active span: none, so sweeps and schedulers make no root traces). */
function startSpan(query: RunningQuery): Span | undefined {
  const parent = context.active()
  if (!trace.getSpan(parent)?.isRecording()) return undefined
  const text = queryText(query.strings)
  const operation = operationOf(text)
  return tracer.startSpan(
    operation,
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.operation.name': operation, 'db.query.text': text },
    },
    parent,
  )
}

/** Hooks `Query#handle` once per process: a span per query in a trace, and the pool's query count. */
function patchQueryPrototype(sql: Sql): void {
  const proto = Object.getPrototypeOf(sql`select 1`) as RunningQuery & { [PATCHED]?: true }
  if (proto[PATCHED]) return
  const handle = proto.handle
  proto[PATCHED] = true
  proto.handle = function (this: RunningQuery) {
    if (!this.executed) {
      const span = startSpan(this)
      // the `begin` of a transaction takes the connection the transaction holds (counted in `held`)
      const demand = this.options.onexecute ? undefined : pools.get(this.handler as object)
      if (demand) demand.queries++
      if (span || demand) {
        onSettled(this, (err) => {
          if (demand) demand.queries--
          if (!span) return
          if (err) {
            span.recordException(err as Error)
            span.setStatus({ code: SpanStatusCode.ERROR })
          }
          span.end()
        })
      }
    }
    return handle.call(this)
  }
}

/** Counts `sql.begin` transactions and `sql.reserve` connections as held while they are open. */
function countHeldConnections(sql: Sql, demand: PoolDemand): void {
  const begin = sql.begin.bind(sql) as (...args: unknown[]) => Promise<unknown>
  const reserve = sql.reserve.bind(sql)
  Object.assign(sql, {
    begin: (...args: unknown[]) => {
      demand.held++
      return begin(...args).finally(() => {
        demand.held--
      })
    },
    reserve: async () => {
      demand.held++
      try {
        const reserved = await reserve()
        const release = reserved.release.bind(reserved)
        let released = false
        reserved.release = () => {
          if (!released) demand.held--
          released = true
          release()
        }
        return reserved
      } catch (err) {
        demand.held--
        throw err
      }
    },
  })
}

/**
 * Instruments a service's pool (dbPlugin calls it on `app.sql`, before drizzle wraps it):
 * - a CLIENT span per query run inside a trace, named by its operation (`SELECT`…), with
 *   `db.system.name`, `db.operation.name` and `db.query.text` (the SQL with `$n` placeholders:
 *   never a parameter's value). Without tracing, or outside a trace, no span.
 * - on `registry`, the pool gauges, counted at the client: every query outside a transaction and
 *   every open transaction or reserved connection needs a connection of its own;
 *   `social_bridge_db_pool_connections_in_use` is that demand up to the pool size,
 *   `social_bridge_db_pool_waiting` what is beyond it (postgres.js queues it, or pipelines it behind
 *   another query on a busy connection), `social_bridge_db_pool_max_connections` the pool size.
 */
export function instrumentPool(sql: Sql, opts: { registry?: Registry } = {}): void {
  patchQueryPrototype(sql)
  const handler = (sql`select 1` as unknown as RunningQuery).handler as object
  const demand: PoolDemand = { max: sql.options.max, queries: 0, held: 0 }
  pools.set(handler, demand)
  countHeldConnections(sql, demand)
  if (!opts.registry) return
  const registers = [opts.registry]
  const inUse = () => demand.queries + demand.held
  new Gauge({
    name: 'social_bridge_db_pool_connections_in_use',
    help: 'PostgreSQL pool connections in use: running queries, open transactions and reservations, up to the pool size',
    registers,
    collect() {
      this.set(Math.min(demand.max, inUse()))
    },
  })
  new Gauge({
    name: 'social_bridge_db_pool_waiting',
    help: 'PostgreSQL queries and transactions waiting for a pool connection of their own',
    registers,
    collect() {
      this.set(Math.max(0, inUse() - demand.max))
    },
  })
  new Gauge({
    name: 'social_bridge_db_pool_max_connections',
    help: 'PostgreSQL pool size (connections)',
    registers,
    collect() {
      this.set(demand.max)
    },
  })
}
