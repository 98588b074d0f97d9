import {
  createFastifyOptions,
  listenWithGrace,
  loadConfigOrExit,
  loadHttpLimits,
} from '@social-bridge/service-kit'
import Fastify from 'fastify'
import app from './app.js'
import { PublishConfig } from './config.js'

const config = loadConfigOrExit(PublishConfig)
// `POST /media` takes videos up to 4 GiB for as long as they take (no total request timeout);
// an upload that stops sending is still closed after HTTP_IDLE_TIMEOUT_MS.
const server = Fastify(
  createFastifyOptions({
    service: 'publish-service',
    logLevel: config.LOG_LEVEL,
    http: loadHttpLimits({ requestTimeoutMs: 0 }),
  }),
)
await server.register(app, { config })
await listenWithGrace(server, { host: config.HOST, port: config.PORT, graceMs: 30_000 })
