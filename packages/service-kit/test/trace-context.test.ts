import { context, propagation, SpanKind, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { Streams, Subjects } from '@social-bridge/contracts'
import t from 'tap'
import { createEnvelope, createEventBus, startDurableConsumer } from '../src/index.js'
import { natsForTest, waitUntil } from './nats-context.js'

// Trace context crosses NATS: an event published inside a span is handled inside a CONSUMER span
// of the same trace (W3C traceparent in the message headers). A real OpenTelemetry SDK with an
// in-memory exporter records the spans; nothing is mocked.

const exporter = new InMemorySpanExporter()
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }))
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
propagation.setGlobalPropagator(new W3CTraceContextPropagator())
const tracer = trace.getTracer('trace-context.test')

t.test('the consumer continues the publisher’s trace; a message without one starts its own', async (t) => {
  const { nc, namespace } = await natsForTest(t)
  const seen = new Map<number, string | undefined>()
  const consumer = await startDurableConsumer<{ n: number }>({
    nc,
    namespace,
    stream: Streams.socialEvents,
    durableName: 'traced',
    filterSubject: Subjects.postStatusChanged,
    handler: async (envelope) => {
      seen.set(envelope.data.n, trace.getActiveSpan()?.spanContext().traceId)
    },
  })
  t.teardown(() => consumer.stop())
  const bus = createEventBus(nc, namespace)
  const publish = (n: number) =>
    bus.publish(
      Subjects.postStatusChanged,
      createEnvelope({ type: Subjects.postStatusChanged, tenantId: 't', data: { n } }),
    )

  const producer = await tracer.startActiveSpan('request', async (span) => {
    await publish(1)
    span.end()
    return span.spanContext()
  })
  await publish(2) // outside any span
  t.ok(await waitUntil(() => seen.size === 2), 'both handled')

  t.equal(seen.get(1), producer.traceId, 'the handler ran in the publisher’s trace')
  t.ok(seen.get(2), 'the untraced message got a trace of its own')
  t.not(seen.get(2), producer.traceId)
  const consumerSpans = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER)
  const child = consumerSpans.find((s) => s.spanContext().traceId === producer.traceId)
  t.equal(child?.name, `${Subjects.postStatusChanged} process`)
  t.equal(child?.parentSpanContext?.spanId, producer.spanId, 'its parent is the publishing span')
})
