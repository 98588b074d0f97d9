// first: starts OpenTelemetry (when OTEL_* settings ask for it) before anything it instruments loads
import '@social-bridge/service-kit/tracing'
import { startService } from '@social-bridge/service-kit'
import app from './app.js'
import { PublishConfig } from './config.js'

// `POST /media` takes videos up to 4 GiB for as long as they take (no total request timeout);
// an upload that stops sending is still closed after HTTP_IDLE_TIMEOUT_MS. A shutdown lets a
// running upload step finish for up to 30 s.
await startService({
  service: 'publish-service',
  config: PublishConfig,
  app,
  http: { requestTimeoutMs: 0 },
  graceMs: 30_000,
})
