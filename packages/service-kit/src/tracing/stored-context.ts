import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type SpanOptions,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api'

/**
 * A trace kept with work done later (an outbox row, an account due for sync), so that work
 * continues the trace that caused it. Without a registered OpenTelemetry SDK (tracing off, the
 * default) nothing is captured and the spans are no-ops. docs/operations.md "Tracing".
 */
const tracer = trace.getTracer('@social-bridge/service-kit')

/**
 * A trace context as the propagator's text map (W3C: `traceparent` and, when set, `tracestate`),
 * JSON-safe: a jsonb column stores it (outbox `trace_context`).
 */
export type StoredTraceContext = Record<string, string>

/** The active (or given) context as a {@link StoredTraceContext}; null when there is no trace to continue (tracing off, no span). */
export function captureTraceContext(ctx: Context = context.active()): StoredTraceContext | null {
  const carrier: StoredTraceContext = {}
  propagation.inject(ctx, carrier)
  return Object.keys(carrier).length > 0 ? carrier : null
}

/** The context a {@link StoredTraceContext} holds, on top of the root context (none: the root context). */
export function restoreTraceContext(stored: StoredTraceContext | null | undefined): Context {
  return stored ? propagation.extract(ROOT_CONTEXT, stored) : ROOT_CONTEXT
}

/**
 * Runs `fn` in a span `name` (INTERNAL unless `options.kind` says otherwise), child of `stored` (without it, the span starts a trace of its own),
 * active for everything `fn` does; the span records a thrown error and ends when `fn` settles.
 */
export function withSpanContinuing<T>(
  name: string,
  stored: StoredTraceContext | null | undefined,
  fn: () => Promise<T>,
  options: SpanOptions = {},
): Promise<T> {
  return tracer.startActiveSpan(name, options, restoreTraceContext(stored), async (span) => {
    try {
      return await fn()
    } catch (err) {
      span.recordException(err as Error)
      span.setStatus({ code: SpanStatusCode.ERROR })
      throw err
    } finally {
      span.end()
    }
  })
}
