import {
  createFastifyOptions,
  listenWithGrace,
  loadConfigOrExit,
  loadHttpLimits,
} from '@social-bridge/service-kit'
import Fastify from 'fastify'
import app from './app.js'
import { GatewayConfig } from './config.js'

const config = loadConfigOrExit(GatewayConfig)
// Uploads stream through for as long as they take (no total request timeout); an upload that
// stops sending is still closed after HTTP_IDLE_TIMEOUT_MS.
const fastify = Fastify(
  createFastifyOptions({
    service: 'gateway',
    logLevel: config.LOG_LEVEL,
    http: loadHttpLimits({ requestTimeoutMs: 0 }),
  }),
)
await fastify.register(app, { config })
await listenWithGrace(fastify, { host: config.HOST, port: config.PORT })
