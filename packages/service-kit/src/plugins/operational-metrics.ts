import { namespacedStream, type StreamSpec, Streams } from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Gauge } from 'prom-client'
import { withTimeout } from './health.js'
import type {} from './metrics.js'
import type {} from './nats.js'

/**
 * How long a gauge read at scrape time waits for its source (PostgreSQL, NATS), ms: well under
 * Prometheus's scrape timeout, so a dependency outage shows as values, not as a failed scrape.
 */
export const SCRAPE_READ_TIMEOUT_MS = 1000

/** Options of {@link operationalMetricsPlugin}. */
export interface OperationalMetricsOptions {
  /** The JetStream streams the service declared (`infrastructurePlugin`'s `streams`); none: no JetStream gauges. */
  streams?: StreamSpec[]
  /** How long one scrape waits for NATS or PostgreSQL before leaving a gauge out, ms. Default 1,000. */
  timeoutMs?: number
}

/**
 * `fn`, with one call shared by everyone who asks while it runs: the gauges of one scrape
 * (prom-client collects them concurrently) read their source once; the next scrape reads afresh.
 */
export function sharedWhileRunning<T>(fn: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined
  return () => {
    running ??= fn().finally(() => {
      running = undefined
    })
    return running
  }
}

/** One durable consumer's counts as JetStream reports them (`consumer info`). */
interface ConsumerCounts {
  stream: string
  consumer: string
  pending: number
  ackPending: number
  redelivered: number
}

/**
 * The gauges every service's operators watch, read at scrape time (docs/operations.md has the
 * alerts over them). All carry the registry's `service` label; no other label is unbounded.
 *
 * - `social_bridge_dependency_up{dependency}` — 1 when the readiness check of `dependency`
 *   (`postgres`, `nats`, a service's own) passes within the timeout, else 0.
 * - `social_bridge_jetstream_consumer_pending_messages{stream,consumer}` — messages of the
 *   consumer's filter not yet delivered (`num_pending`); `…_ack_pending_messages` — delivered but
 *   not yet acknowledged; `…_redelivered_messages` — delivered more than once and still
 *   unacknowledged (`num_redelivered`). Every durable consumer of the declared streams is listed,
 *   also other services' (so webhook-ingest reports the webhook backlog even while its reader is down).
 *   `stream` is the un-namespaced name (`TIKTOK_WEBHOOKS`).
 * - `social_bridge_dead_letters_messages` — messages in the DEAD_LETTERS stream (when declared).
 *
 * A gauge whose source does not answer is left out of that scrape (`…_up` says why).
 */
export const operationalMetricsPlugin = fp(
  async (app: FastifyInstance, opts: OperationalMetricsOptions) => {
    const timeoutMs = opts.timeoutMs ?? SCRAPE_READ_TIMEOUT_MS
    const registers = [app.metrics]
    new Gauge({
      name: 'social_bridge_dependency_up',
      help: 'Whether the readiness check of a dependency passes (1) or not (0)',
      labelNames: ['dependency'],
      registers,
      async collect() {
        const { checks } = await app.readiness.run(timeoutMs)
        for (const [dependency, result] of Object.entries(checks))
          this.set({ dependency }, result === 'ok' ? 1 : 0)
      },
    })
    const streams = opts.streams ?? []
    if (streams.length === 0 || !app.hasDecorator('nats')) return
    const namespace = app.nats.namespace
    const readStreams = streams.filter((s) => s.name !== Streams.deadLetters.name)

    const consumerCounts = sharedWhileRunning(async (): Promise<ConsumerCounts[]> => {
      const out: ConsumerCounts[] = []
      for (const spec of readStreams) {
        const lister = app.nats.jsm.consumers.list(namespacedStream(namespace, spec).name)
        for await (const ci of lister) {
          out.push({
            stream: spec.name,
            consumer: ci.name,
            pending: ci.num_pending,
            ackPending: ci.num_ack_pending,
            redelivered: ci.num_redelivered,
          })
        }
      }
      return out
    })
    const consumerGauge = (name: string, help: string, pick: (c: ConsumerCounts) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['stream', 'consumer'],
        registers,
        async collect() {
          this.reset()
          const counts = await withTimeout(consumerCounts(), timeoutMs).catch(() => [])
          for (const c of counts) this.set({ stream: c.stream, consumer: c.consumer }, pick(c))
        },
      })
    consumerGauge(
      'social_bridge_jetstream_consumer_pending_messages',
      'Messages of a durable consumer not yet delivered (num_pending)',
      (c) => c.pending,
    )
    consumerGauge(
      'social_bridge_jetstream_consumer_ack_pending_messages',
      'Messages delivered to a durable consumer and not yet acknowledged (num_ack_pending)',
      (c) => c.ackPending,
    )
    consumerGauge(
      'social_bridge_jetstream_consumer_redelivered_messages',
      'Unacknowledged messages of a durable consumer delivered more than once (num_redelivered)',
      (c) => c.redelivered,
    )

    if (!streams.some((s) => s.name === Streams.deadLetters.name)) return
    const deadLetters = namespacedStream(namespace, Streams.deadLetters).name
    new Gauge({
      name: 'social_bridge_dead_letters_messages',
      help: 'Messages in the DEAD_LETTERS stream: events no consumer could handle',
      registers,
      async collect() {
        this.reset()
        const info = await withTimeout(app.nats.jsm.streams.info(deadLetters), timeoutMs).catch(
          () => undefined,
        )
        if (info) this.set(info.state.messages)
      },
    })
  },
  { name: 'sb-operational-metrics', fastify: '5.x', dependencies: ['sb-metrics', 'sb-health'] },
)
