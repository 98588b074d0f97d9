import { createFastifyOptions, listenWithGrace, loadConfigOrExit } from '@social-bridge/service-kit'
import Fastify from 'fastify'
import app from './app.js'
import { PublishConfig } from './config.js'

const config = loadConfigOrExit(PublishConfig)
const server = Fastify(createFastifyOptions({ service: 'publish-service', logLevel: config.LOG_LEVEL }))
await server.register(app, { config })
await listenWithGrace(server, { host: config.HOST, port: config.PORT, graceMs: 30_000 })
