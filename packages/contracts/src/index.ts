/**
 * @social-bridge/contracts — the shared language of Social Bridge: event envelope, NATS
 * subjects and streams, event payloads, the public error shape and codes, and the gateway's
 * `/v1` REST DTOs. TypeBox schemas are the source of truth; TS types derive from them.
 */
export * from './common.js'
export * from './date-time.js'
export * from './envelope.js'
export * from './errors.js'
export * from './events/index.js'
export * from './public-events.js'
export * from './rest/analytics.js'
export * from './rest/comments.js'
export * from './rest/connections.js'
export * from './rest/internal.js'
export * from './rest/media.js'
export * from './rest/posts.js'
export * from './rest/webhook-endpoints.js'
export * from './subjects.js'
export * from './uuid.js'
