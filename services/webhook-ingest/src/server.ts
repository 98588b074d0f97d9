// first: starts OpenTelemetry (when OTEL_* settings ask for it) before anything it instruments loads
import '@social-bridge/service-kit/tracing'
import { startService } from '@social-bridge/service-kit'
import app, { SERVICE_NAME } from './app.js'
import { Config, WEBHOOK_BODY_LIMIT_BYTES } from './config.js'

// The one public, unauthenticated port: a webhook is small, so the whole request is bounded
// (the default HTTP limits) and so is its body.
await startService({ service: SERVICE_NAME, config: Config, app, bodyLimit: WEBHOOK_BODY_LIMIT_BYTES })
