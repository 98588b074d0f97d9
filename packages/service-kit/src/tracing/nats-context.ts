import type { MsgHdrs } from '@nats-io/transport-node'
import {
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api'
import { type StoredTraceContext, withSpanContinuing } from './stored-context.js'

/**
 * Trace context in NATS message headers (W3C `traceparent`/`tracestate`, through the globally
 * registered propagator): a message published inside a span carries it, and its consumer's span
 * continues the same trace. Without a registered OpenTelemetry SDK (tracing off, the default)
 * both are no-ops. docs/operations.md "Tracing".
 */
const tracer = trace.getTracer('@social-bridge/service-kit')

/** Sets a propagator's header on NATS headers (one object for every publish: this runs per message). */
const headerSetter = { set: (carrier: MsgHdrs, key: string, value: string) => carrier.set(key, value) }

/** Writes the active context's trace headers into `h`. */
export function injectTraceContext(h: MsgHdrs, ctx: Context = context.active()): void {
  propagation.inject(ctx, h, headerSetter)
}

/** The context a message's headers carry (the active one when they carry none). */
export function extractTraceContext(h: MsgHdrs | undefined): Context {
  if (!h) return context.active()
  return propagation.extract(context.active(), h, {
    get: (carrier, key) => (carrier.has(key) ? carrier.get(key) : undefined),
    keys: (carrier) => carrier.keys(),
  })
}

/**
 * Runs `fn` in a CONSUMER span named `<subject> process`, child of the trace in `h`; the span
 * records a thrown error and ends when `fn` settles.
 */
export function withConsumerSpan<T>(
  subject: string,
  h: MsgHdrs | undefined,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = extractTraceContext(h)
  return tracer.startActiveSpan(
    `${subject} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject },
    },
    parent,
    async (span) => {
      try {
        return await fn(span)
      } catch (err) {
        span.recordException(err as Error)
        span.setStatus({ code: SpanStatusCode.ERROR })
        throw err
      } finally {
        span.end()
      }
    },
  )
}

/**
 * Runs `fn` in a PRODUCER span named `<subject> publish`, child of `stored` (a context captured
 * earlier, e.g. when the outbox row was written); a JetStream publish inside `fn` writes this
 * span into the message's headers, so the consumer continues the stored trace. Without `stored`
 * the span starts a trace of its own.
 */
export function withProducerSpan<T>(
  subject: string,
  stored: StoredTraceContext | null | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const attributes = { 'messaging.system': 'nats', 'messaging.destination.name': subject }
  return withSpanContinuing(`${subject} publish`, stored, fn, { kind: SpanKind.PRODUCER, attributes })
}
