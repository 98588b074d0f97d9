import { trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import t from 'tap'
import { redactSpanAttributes } from '../src/tracing/redact-span.js'

// Spans leave the process: the OAuth code and upload tokens in a URL are scrubbed from their attributes.
const exporter = new InMemorySpanExporter()
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('t')

t.test('secret URL parameters are scrubbed from span attributes; the rest is kept', async (t) => {
  const span = tracer.startSpan('GET', {
    attributes: {
      'url.full': 'http://gw/v1/connections/tiktok/callback?code=AUTHCODE*0!6410xyz&state=abc',
      'url.query': 'code=AUTHCODE*0!6410xyz&state=abc',
      'http.target': '/upload/?upload_token=UPLOADTOKEN123',
      'http.route': '/v1/connections/:provider/callback',
      'http.status_code': 200,
    },
  })
  redactSpanAttributes(span)
  span.end()
  const [done] = exporter.getFinishedSpans()
  t.same(done?.attributes, {
    'url.full': 'http://gw/v1/connections/tiktok/callback?code=[REDACTED]&state=abc',
    'url.query': 'code=[REDACTED]&state=abc',
    'http.target': '/upload/?upload_token=[REDACTED]',
    'http.route': '/v1/connections/:provider/callback',
    'http.status_code': 200,
  })
  if (done) redactSpanAttributes(trace.wrapSpanContext(done.spanContext())) // no attributes: a no-op
})
