/**
 * `node --import @social-bridge/service-kit/tracing <entry>` (or the first import of a service's
 * `server.ts`): starts OpenTelemetry before the app loads, when the standard settings ask for it —
 * `OTEL_TRACES_EXPORTER` set to anything but `none`, or `OTEL_EXPORTER_OTLP_ENDPOINT` /
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` set. Off otherwise (nothing is loaded). The exporter,
 * sampler, resource and service name (`OTEL_SERVICE_NAME`) come from the `OTEL_*` variables
 * (@opentelemetry/sdk-node); URLs in span attributes are scrubbed of secrets (`redact-span.ts`:
 * the OAuth callback's code, upload tokens); the instrumentations are http (incoming and outgoing), undici (the
 * gateway's proxy, the TikTok client) and fastify; NATS messages carry the context in their headers
 * (`nats-context.ts`, also through the outbox). PostgreSQL queries are spans too, from the kit's own
 * postgres.js hook (`src/db/instrument.ts`; the OpenTelemetry `pg` instrumentation does not cover
 * postgres.js). The SDK flushes and stops on SIGTERM. docs/operations.md "Tracing".
 */
const env = process.env
const exporter = env.OTEL_TRACES_EXPORTER
const on =
  (exporter !== undefined && exporter !== 'none') ||
  Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)

if (on && env.OTEL_SDK_DISABLED !== 'true') {
  // Modules loaded through the ESM loader — every one under `node --import tsx`, CommonJS ones
  // like fastify included, and their `require('node:http')` — are patched only through
  // import-in-the-middle's loader hook; without it only undici (diagnostics channel) is traced.
  const { register } = await import('node:module')
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url)
  const [{ NodeSDK }, { HttpInstrumentation }, { UndiciInstrumentation }, { FastifyInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-undici'),
      import('@opentelemetry/instrumentation-fastify'),
    ])
  const { redactSpanAttributes } = await import('./redact-span.js')
  const sdk = new NodeSDK({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /^\/(metrics|healthz|readyz)\b/.test(req.url ?? ''),
        requestHook: redactSpanAttributes,
      }),
      new UndiciInstrumentation({ requestHook: redactSpanAttributes }),
      new FastifyInstrumentation(),
    ],
  })
  sdk.start()
  process.once('SIGTERM', () => void sdk.shutdown())
}

export {}
