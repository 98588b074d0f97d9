/**
 * @social-bridge/service-kit/testing — what every package's tests share: a database and a NATS
 * namespace of their own, reading streams back, polling, internal identity tokens, connecting an
 * account through a real auth-service, and a private nats-server for outage tests. Not exported
 * from the kit's main entry: production code never imports it.
 */
export * from './connect-account.js'
export * from './database.js'
export * from './identity.js'
export * from './nats.js'
export { freePort, startPrivateNats } from './private-nats.js'
export * from './teardown.js'
export * from './wait.js'
