/**
 * @social-bridge/service-kit/testing — what every package's tests share: a database and a NATS
 * namespace of their own, reading streams back, polling, internal identity tokens, connecting an
 * account through a real auth-service, a private nats-server for outage tests, and sample videos
 * made with ffmpeg (README.md, "Testing kit"). Not exported from the kit's main entry: no
 * service's `src` imports it (the local stack's demo takes its sample video from here).
 */
export * from './config.js'
export * from './connect-account.js'
export * from './database.js'
export { freePort } from './free-port.js'
export * from './identity.js'
export * from './media.js'
export * from './metrics.js'
export { createDatabaseBeforeMigration, type DatabaseBeforeMigration } from './migrations.js'
export * from './nats.js'
export { type MigratedOutboxRow, migrateOutboxForTest, relayOutboxForTest } from './outbox.js'
export { samplePhoto } from './photos.js'
export { startPrivateNats } from './private-nats.js'
export { type RawAnswer, rawHttp } from './raw-http.js'
export * from './teardown.js'
export * from './wait.js'
