import { createFastifyOptions, listenWithGrace, loadConfigOrExit } from '@social-bridge/service-kit'
import Fastify from 'fastify'
import authApp from './app.js'
import { AuthConfig } from './config.js'

const config = loadConfigOrExit(AuthConfig)
const app = Fastify(createFastifyOptions({ service: 'auth-service', logLevel: config.LOG_LEVEL }))
await app.register(authApp, { config })
await listenWithGrace(app, { host: config.HOST, port: config.PORT })
