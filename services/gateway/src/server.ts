// first: starts OpenTelemetry (when OTEL_* settings ask for it) before anything it instruments loads
import '@social-bridge/service-kit/tracing'
import { startService } from '@social-bridge/service-kit'
import app from './app.js'
import { GatewayConfig } from './config.js'

// Uploads stream through for as long as they take (no total request timeout); an upload that
// stops sending is still closed after HTTP_IDLE_TIMEOUT_MS.
await startService({ service: 'gateway', config: GatewayConfig, app, http: { requestTimeoutMs: 0 } })
