import { connect, type NatsConnection } from '@nats-io/transport-node'

/**
 * Connects to NATS and keeps reconnecting forever (every 1 s, with jitter) so a NATS restart
 * never kills a service; readiness reports the outage meanwhile.
 *
 * @param servers comma-separated URLs, e.g. `nats://127.0.0.1:4222`.
 * @throws when the first connection cannot be made within `timeoutMs` (default 5000 ms).
 */
export async function connectNats(opts: {
  servers: string
  name: string
  timeoutMs?: number
}): Promise<NatsConnection> {
  return connect({
    servers: opts.servers.split(',').map((s) => s.trim()),
    name: opts.name,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    reconnectJitter: 200,
    timeout: opts.timeoutMs ?? 5000,
    waitOnFirstConnect: false,
    // nats.js otherwise captures a stack trace per request for async errors (JetStream API
    // calls, consumer fetches); event publishes don't go through requests (jetstream-publisher.ts).
    noAsyncTraces: true,
  })
}

/** Readiness check: the connection is open and a round trip to the server completes. */
export async function pingNats(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) throw new Error('connection closed')
  await nc.flush()
}
