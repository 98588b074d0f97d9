import { context, propagation, SpanKind, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { Streams, Subjects } from '@social-bridge/contracts'
import t from 'tap'
import { startDurableConsumer } from '../../src/index.js'
import { waitUntil } from '../nats-context.js'
import { event, outboxContext } from './context.js'

// An event written through the outbox keeps the trace of the transaction that wrote it: the row
// stores the context, the relay publishes in a PRODUCER span of that trace, and the consumer's
// span is that span's child. A real OpenTelemetry SDK with an in-memory exporter; nothing mocked.

const exporter = new InMemorySpanExporter()
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }))
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
propagation.setGlobalPropagator(new W3CTraceContextPropagator())
const tracer = trace.getTracer('outbox-trace.test')
const subject = Subjects.postStatusChanged

t.test(
  'the consumer continues the trace the event was written in, through the relay’s publish',
  async (t) => {
    const ctx = await outboxContext(t)
    const seen = new Map<string, string | undefined>()
    const consumer = await startDurableConsumer<{ aggregateId: string }>({
      nc: ctx.nc,
      namespace: ctx.namespace,
      stream: Streams.socialEvents,
      durableName: 'outbox-traced',
      filterSubject: subject,
      handler: async (envelope) => {
        seen.set(envelope.data.aggregateId, trace.getActiveSpan()?.spanContext().traceId)
      },
    })
    t.teardown(() => consumer.stop())
    const writer = ctx.replica() // writes only; the relay below runs outside any span
    const request = await tracer.startActiveSpan('request', async (span) => {
      await writer.db.transaction((tx) => writer.outbox.enqueue(tx, event('traced', 1, subject)))
      // a postgres.js transaction stores it the same way
      await writer.sql.begin((tx) => writer.outbox.enqueue(tx, event('traced-raw', 1, subject)))
      span.end()
      return span.spanContext()
    })
    await writer.db.transaction((tx) => writer.outbox.enqueue(tx, event('untraced', 1, subject)))
    const stored = await writer.sql<{ aggregateId: string; traceContext: { traceparent?: string } | null }[]>`
    select aggregate_id as "aggregateId", trace_context as "traceContext" from kit_outbox.outbox order by seq`
    t.match(stored[0]?.traceContext?.traceparent, new RegExp(`^00-${request.traceId}-${request.spanId}-01$`))
    t.match(stored[1]?.traceContext?.traceparent, new RegExp(`^00-${request.traceId}-`))
    t.equal(stored[2]?.traceContext, null, 'no trace to keep outside a span')

    const relay = ctx.replica({ sweepMs: 50 })
    relay.outbox.start()
    t.ok(await waitUntil(() => seen.size === 3), 'all three handled')

    t.equal(
      seen.get('traced'),
      request.traceId,
      'the drizzle-written event is handled in the request’s trace',
    )
    t.equal(seen.get('traced-raw'), request.traceId, 'so is the postgres.js-written one')
    t.not(seen.get('untraced'), request.traceId, 'an untraced event gets a trace of its own')
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === request.traceId)
    const producers = spans.filter((s) => s.kind === SpanKind.PRODUCER)
    const consumers = spans.filter((s) => s.kind === SpanKind.CONSUMER)
    t.equal(producers.length, 2)
    t.equal(consumers.length, 2)
    for (const p of producers) {
      t.equal(p.name, `${subject} publish`)
      t.equal(p.parentSpanContext?.spanId, request.spanId, 'the publish is a child of the writing span')
    }
    for (const c of consumers) {
      t.ok(
        producers.some((p) => p.spanContext().spanId === c.parentSpanContext?.spanId),
        'the handling is a child of the relay’s publish',
      )
    }
  },
)
