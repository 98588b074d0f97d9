// first: starts OpenTelemetry (when OTEL_* settings ask for it) before anything it instruments loads
import '@social-bridge/service-kit/tracing'
import { startService } from '@social-bridge/service-kit'
import app from './app.js'
import { DispatchConfig } from './config.js'

// HTTP limits keep their defaults: no route takes a long body; the SSE stream's heartbeats keep it from idling.
await startService({ service: 'webhook-dispatch', config: DispatchConfig, app })
