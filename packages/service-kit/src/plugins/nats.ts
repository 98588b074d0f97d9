import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { StreamSpec } from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { connectNats, pingNats } from '../nats/connect.js'
import { createEventBus, type EventBus } from '../nats/event-bus.js'
import { ensureStreams } from '../nats/streams.js'
import { retryWhileNatsUnavailable } from '../nats/unavailable.js'

/** Options of `natsPlugin`. */
export interface NatsPluginOptions {
  servers: string
  /** Connection name shown in NATS monitoring, e.g. the service name. */
  name: string
  /** Subject/stream prefix; empty in production (see contracts `namespacedSubject`). */
  namespace?: string
  /** Streams this service publishes to or reads; created or updated at start. */
  streams: StreamSpec[]
  /** JetStream replicas of those streams (`NATS_STREAM_REPLICAS`; default 1). */
  replicas?: number
}

/** What the plugin decorates `app.nats` with. */
export interface NatsContext {
  nc: NatsConnection
  js: JetStreamClient
  jsm: JetStreamManager
  bus: EventBus
  namespace: string
  /** JetStream replicas for what the service creates (streams, object stores). */
  replicas: number
}

declare module 'fastify' {
  interface FastifyInstance {
    nats: NatsContext
  }
}

/**
 * Connects to NATS (reconnecting forever), ensures the declared streams, decorates `app.nats`
 * (`nc`, `js`, `jsm`, `bus`), adds the `nats` readiness check, and drains the connection on close
 * (after the routes and workers that use it have closed: register it before them).
 */
export const natsPlugin = fp(
  async (app: FastifyInstance, opts: NatsPluginOptions) => {
    const namespace = opts.namespace ?? ''
    const nc = await connectNats({ servers: opts.servers, name: opts.name })
    const jsm = await retryWhileNatsUnavailable(() => jetstreamManager(nc))
    const replicas = opts.replicas ?? 1
    await ensureStreams(jsm, opts.streams, namespace, replicas)
    const js = jetstream(nc)
    app.decorate('nats', { nc, js, jsm, bus: createEventBus(nc, namespace), namespace, replicas })
    app.readiness.add('nats', () => pingNats(nc))
    app.addHook('onClose', async () => {
      if (!nc.isClosed()) await nc.drain()
    })
  },
  { name: 'sb-nats', fastify: '5.x', dependencies: ['sb-health'] },
)
