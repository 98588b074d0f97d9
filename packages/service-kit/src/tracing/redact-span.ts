import type { Attributes, Span } from '@opentelemetry/api'
import { redactText } from '../redact.js'

/**
 * Scrubs the secrets an HTTP span's attributes may hold — the OAuth callback's `?code=…`, an
 * upload URL's `upload_token`, a token in any URL (`redact.ts`) — in place, once the
 * instrumentation has set them (its `requestHook`). `url.query` holds the query without its `?`.
 * Spans leave the process (the OTLP exporter), so they keep secrets out as logs do.
 */
export function redactSpanAttributes(span: Span): void {
  // the SDK's span keeps its attributes readable; a no-op span has none
  const attributes = (span as unknown as { attributes?: Attributes }).attributes
  if (!attributes) return
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value !== 'string') continue
    const redacted = key === 'url.query' ? redactText(`?${value}`).slice(1) : redactText(value)
    if (redacted !== value) span.setAttribute(key, redacted)
  }
}
