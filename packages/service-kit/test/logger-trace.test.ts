import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import t from 'tap'
import { build, captureLogs } from './helper.js'

// Log lines carry the trace beside the request id: a real OpenTelemetry SDK, in-memory exporter.
const exporter = new InMemorySpanExporter()
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }))
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
const tracer = trace.getTracer('logger-trace.test')

t.test(
  'a line logged inside a span has its trace_id and span_id beside the requestId; one outside has none',
  async (t) => {
    const logs = captureLogs()
    let ids: { traceId: string; spanId: string } | undefined
    const app = await build(
      t,
      (app) => {
        app.get('/traced', async (request) => {
          request.log.info('outside any span')
          tracer.startActiveSpan('work', (span) => {
            ids = span.spanContext()
            request.log.info('inside the span')
            span.end()
          })
          return { ok: true }
        })
      },
      { logStream: logs.stream },
    )
    const res = await app.inject({ url: '/traced', headers: { 'x-request-id': 'req-trace-1' } })
    t.equal(res.statusCode, 200)
    const lines = logs.lines().map((l) => JSON.parse(l) as Record<string, unknown>)
    const inside = lines.find((l) => l.msg === 'inside the span')
    const outside = lines.find((l) => l.msg === 'outside any span')
    t.ok(ids)
    t.match(inside, { trace_id: ids?.traceId, span_id: ids?.spanId, reqId: 'req-trace-1' })
    t.match(outside, { reqId: 'req-trace-1' })
    t.notOk(outside && 'trace_id' in outside, 'no trace outside a span')
  },
)
