/**
 * @social-bridge/service-kit — what every Social Bridge service shares: config validation,
 * logging with redaction, request ids, the error handler, health/readiness, metrics, the
 * drizzle + postgres.js plugin with migrations, the NATS JetStream plugin, event publishing,
 * durable consumers with dead-lettering, the transactional outbox (README in src/outbox/), graceful
 * shutdown. Test helpers are in `@social-bridge/service-kit/testing`.
 */
export * from './config.js'
export * from './db/columns.js'
export * from './db/migrate.js'
export * from './error-response.js'
export * from './errors.js'
export * from './fastify-options.js'
export * from './http-edge.js'
export * from './internal-token.js'
export * from './logger.js'
export * from './nats/connect.js'
export * from './nats/durable-consumer.js'
export * from './nats/event-bus.js'
export * from './nats/jetstream-publisher.js'
export * from './nats/streams.js'
export * from './nats/tiktok-webhook-consumer.js'
export * from './nats/unavailable.js'
export * from './outbox/index.js'
export * from './plugins/db.js'
export * from './plugins/error-handler.js'
export * from './plugins/health.js'
export * from './plugins/infrastructure.js'
export * from './plugins/internal-auth.js'
export * from './plugins/metrics.js'
export * from './plugins/nats.js'
export * from './plugins/operational-metrics.js'
export * from './plugins/request-id.js'
export * from './redact.js'
export * from './server.js'
export * from './tracing/nats-context.js'
export * from './vault.js'
export * from './verified-token-cache.js'
export * from './wakeable-sleep.js'
