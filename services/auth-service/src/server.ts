import {
  createFastifyOptions,
  listenWithGrace,
  loadConfigOrExit,
  loadHttpLimits,
} from '@social-bridge/service-kit'
import Fastify from 'fastify'
import authApp from './app.js'
import { AuthConfig } from './config.js'

const config = loadConfigOrExit(AuthConfig)
// HTTP limits (`HTTP_*_TIMEOUT_MS`) keep their defaults: no route takes a long body.
const app = Fastify(
  createFastifyOptions({ service: 'auth-service', logLevel: config.LOG_LEVEL, http: loadHttpLimits() }),
)
await app.register(authApp, { config })
await listenWithGrace(app, { host: config.HOST, port: config.PORT })
