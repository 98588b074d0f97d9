import { createFastifyOptions, listenWithGrace, loadConfigOrExit } from '@social-bridge/service-kit'
import Fastify from 'fastify'
import app from './app.js'
import { GatewayConfig } from './config.js'

const config = loadConfigOrExit(GatewayConfig)
const fastify = Fastify(createFastifyOptions({ service: 'gateway', logLevel: config.LOG_LEVEL }))
await fastify.register(app, { config })
await listenWithGrace(fastify, { host: config.HOST, port: config.PORT })
