// first: starts OpenTelemetry (when OTEL_* settings ask for it) before anything it instruments loads
import '@social-bridge/service-kit/tracing'
import { startService } from '@social-bridge/service-kit'
import authApp from './app.js'
import { AuthConfig } from './config.js'

// HTTP limits (`HTTP_*_TIMEOUT_MS`) keep their defaults: no route takes a long body.
await startService({ service: 'auth-service', config: AuthConfig, app: authApp })
