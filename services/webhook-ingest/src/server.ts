import {
  createFastifyOptions,
  listenWithGrace,
  loadConfigOrExit,
  loadHttpLimits,
} from '@social-bridge/service-kit'
import Fastify from 'fastify'
import app, { SERVICE_NAME } from './app.js'
import { Config, WEBHOOK_BODY_LIMIT_BYTES } from './config.js'

const config = loadConfigOrExit(Config)
const server = Fastify(
  createFastifyOptions({
    service: SERVICE_NAME,
    logLevel: config.LOG_LEVEL,
    bodyLimit: WEBHOOK_BODY_LIMIT_BYTES,
    // The one public, unauthenticated port: a webhook is small, so the whole request is bounded.
    http: loadHttpLimits(),
  }),
)
await server.register(app, { config })
await listenWithGrace(server, { host: config.HOST, port: config.PORT })
