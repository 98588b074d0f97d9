import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, collectDefaultMetrics, Histogram, type Metric, Registry } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    /** This service's Prometheus registry: add domain metrics to it. */
    metrics: Registry
  }
}

/**
 * `GET /metrics` in Prometheus text format (prom-client): process metrics, plus
 * `http_requests_total` and `http_request_duration_seconds` (histogram, seconds) labelled by
 * method, route pattern and status code. One registry per app, so several apps can share a process.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, opts: { service: string }) => {
    const registry = new Registry()
    registry.setDefaultLabels({ service: opts.service })
    collectDefaultMetrics({ register: registry })
    const labelNames = ['method', 'route', 'status_code'] as const
    const requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests',
      labelNames,
      registers: [registry],
    })
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency in seconds',
      labelNames,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    })
    app.decorate('metrics', registry)
    // callback style: no promise per request
    app.addHook('onResponse', (request, reply, done) => {
      const labels = {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      }
      requests.inc(labels)
      duration.observe(labels, reply.elapsedTime / 1000)
      done()
    })
    app.get('/metrics', { logLevel: 'warn' }, async (_req, reply) => {
      reply.header('content-type', registry.contentType)
      return registry.metrics()
    })
  },
  { name: 'sb-metrics', fastify: '5.x' },
)

/**
 * Adds process-wide metric objects (a service's `src/metrics.ts`, created with `registers: []`)
 * to an app's registry, skipping any it already has; several apps in one process (tests) then
 * share the counts.
 */
export function registerMetrics(registry: Registry, metrics: Record<string, Metric>): void {
  const added = registered.get(registry) ?? new Set<Metric>()
  registered.set(registry, added)
  for (const metric of Object.values(metrics)) {
    if (added.has(metric)) continue
    registry.registerMetric(metric)
    added.add(metric)
  }
}

/** The process-wide metrics already added to each registry. */
const registered = new WeakMap<Registry, Set<Metric>>()
