import type { StreamSpec } from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { type DbPluginOptions, dbPlugin } from './db.js'
import { errorHandlerPlugin } from './error-handler.js'
import { healthPlugin } from './health.js'
import { internalAuthPlugin } from './internal-auth.js'
import { metricsPlugin } from './metrics.js'
import { natsPlugin } from './nats.js'
import { operationalMetricsPlugin } from './operational-metrics.js'
import { requestIdPlugin } from './request-id.js'
import { requestLogPlugin } from './request-log.js'

/** The shared variables `infrastructurePlugin` reads (a service's validated config has them). */
export interface InfrastructureConfig {
  /** Read when `internalAuth` is on. */
  INTERNAL_JWT_SECRET?: string
  /** Read when `db` is given. */
  DATABASE_URL?: string
  /** Read when `streams` is given. */
  NATS_URL?: string
  NATS_NAMESPACE?: string
  NATS_STREAM_REPLICAS?: number
}

/** Options of `infrastructurePlugin`: what the service has; a part left out is not registered. */
export interface InfrastructureOptions {
  /** The service's name: the `service` label of its metrics and its NATS connection name. */
  service: string
  /** The service's validated config (`BaseConfig` and `INTERNAL_JWT_SECRET`). */
  config: InfrastructureConfig
  /**
   * Trust only internal tokens signed with `config.INTERNAL_JWT_SECRET` (`internalAuthPlugin`).
   * Default true: a service is internal unless it says otherwise; `false` only at the public edge
   * (the gateway, which checks the CRM's JWTs, and webhook-ingest, which checks TikTok's signature).
   */
  internalAuth?: boolean
  /**
   * Routes (paths or route patterns) open without an internal token beside health, readiness and
   * metrics, e.g. publish-service's signed public media URLs; each checks its own credential.
   */
  publicPaths?: string[]
  /** The service's schema and migrations: opens `config.DATABASE_URL` (`dbPlugin`). */
  db?: Omit<DbPluginOptions, 'connectionString'>
  /** The JetStream streams it publishes to or reads: connects to `config.NATS_URL` (`natsPlugin`). */
  streams?: StreamSpec[]
}

/** `config[key]`, or an error naming the option that needs it. */
function required(
  config: InfrastructureConfig,
  key: 'INTERNAL_JWT_SECRET' | 'DATABASE_URL' | 'NATS_URL',
  part: string,
): string {
  const value = config[key]
  if (!value) throw new Error(`infrastructurePlugin: ${part} needs config.${key}`)
  return value
}

/**
 * Registers the infrastructure every service starts with, in the fixed order of services/README.md
 * ("Register order"), skipping what the options leave out:
 * `errorHandlerPlugin`, `requestIdPlugin`, `requestLogPlugin`, `healthPlugin`, `metricsPlugin`, then `internalAuthPlugin`
 * (unless `internalAuth: false`), `dbPlugin` (`db`), `natsPlugin` (`streams`), and last `operationalMetricsPlugin` (dependency,
 * JetStream consumer and dead-letter gauges). The error handler comes first so
 * every later hook's rejection (a missing internal token…) answers the shared error shape; health
 * comes before db and nats, which add their readiness checks. Wrapped in fastify-plugin: the
 * decorators (`app.db`, `app.nats`, `app.readiness`…) and hooks apply to the registering app.
 * @throws Error when a part is asked for without the config variable it reads.
 */
export const infrastructurePlugin = fp(
  async (app: FastifyInstance, opts: InfrastructureOptions) => {
    const { service, config } = opts
    await app.register(errorHandlerPlugin)
    await app.register(requestIdPlugin)
    await app.register(requestLogPlugin)
    await app.register(healthPlugin)
    await app.register(metricsPlugin, { service })
    if (opts.internalAuth ?? true) {
      await app.register(internalAuthPlugin, {
        secret: required(config, 'INTERNAL_JWT_SECRET', 'internalAuth'),
        ...(opts.publicPaths
          ? { publicPaths: ['/healthz', '/readyz', '/metrics', ...opts.publicPaths] }
          : {}),
      })
    }
    if (opts.db) {
      await app.register(dbPlugin, {
        ...opts.db,
        connectionString: required(config, 'DATABASE_URL', 'db'),
      })
    }
    if (opts.streams) {
      await app.register(natsPlugin, {
        servers: required(config, 'NATS_URL', 'streams'),
        name: service,
        namespace: config.NATS_NAMESPACE ?? '',
        streams: opts.streams,
        replicas: config.NATS_STREAM_REPLICAS ?? 1,
      })
    }
    await app.register(operationalMetricsPlugin, { streams: opts.streams })
  },
  { name: 'sb-infrastructure', fastify: '5.x' },
)
