/**
 * @social-bridge/webhook-dispatch/testing — a CRM's side of the events, for tests and benchmarks:
 * a real HTTP receiver that verifies each delivery with the `standardwebhooks` library, and a
 * Server-Sent Events client that parses `GET /v1/events` frames.
 */
export * from './receiver.js'
export * from './sse-client.js'
