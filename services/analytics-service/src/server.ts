import {
  createFastifyOptions,
  listenWithGrace,
  loadConfigOrExit,
  loadHttpLimits,
} from '@social-bridge/service-kit'
import Fastify from 'fastify'
import app from './app.js'
import { AnalyticsConfig } from './config.js'

/**
 * Entry point: validates the environment, builds the app, listens with graceful shutdown. HTTP
 * limits (`HTTP_*_TIMEOUT_MS`) keep their defaults: no route takes a long body.
 */
const config = loadConfigOrExit(AnalyticsConfig)
const server = Fastify(
  createFastifyOptions({ service: 'analytics-service', logLevel: config.LOG_LEVEL, http: loadHttpLimits() }),
)
await server.register(app, { config })
const address = await listenWithGrace(server, { host: config.HOST, port: config.PORT })
server.log.info({ address }, 'analytics-service listening')
