import { startService } from '@social-bridge/service-kit'
import app from './app.js'
import { DispatchConfig } from './config.js'

// HTTP limits keep their defaults: no route takes a long body; the SSE stream's heartbeats keep it from idling.
await startService({ service: 'webhook-dispatch', config: DispatchConfig, app })
