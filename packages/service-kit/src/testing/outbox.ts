import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { type AnyEnvelope, namespacedStream, Streams } from '@social-bridge/contracts'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { createEventBus } from '../nats/event-bus.js'
import { ensureStreams } from '../nats/streams.js'
import { createOutbox, type FlushResult } from '../outbox/index.js'
import type { OutboxTable } from '../outbox/table.js'
import type { Database } from '../plugins/db.js'
import { createTestNamespace, TEST_NATS_URL, type Teardownable } from './index.js'

/**
 * Relays a service's outbox once (`createOutbox(...).flush()`) into a fresh NATS namespace with
 * the SOCIAL_EVENTS stream, e.g. after a migration test wrote rows in an older shape.
 * @returns the flush result and every envelope the stream then holds, in stream order.
 */
export async function relayOutboxForTest(
  t: Teardownable,
  opts: { connectionString: string; table: OutboxTable },
): Promise<{ flushed: FlushResult; stored: AnyEnvelope[] }> {
  const namespace = createTestNamespace(t)
  const nc = await connect({ servers: TEST_NATS_URL })
  const sql = postgres(opts.connectionString, { max: 2, onnotice: () => {} })
  try {
    const jsm = await jetstreamManager(nc)
    await ensureStreams(jsm, [Streams.socialEvents], namespace)
    const outbox = createOutbox({
      db: drizzle(sql) as Database,
      table: opts.table,
      bus: createEventBus(nc, namespace),
    })
    const flushed = await outbox.flush()
    const stream = namespacedStream(namespace, Streams.socialEvents).name
    const { messages } = (await jsm.streams.info(stream)).state
    const stored: AnyEnvelope[] = []
    for (let seq = 1; seq <= messages; seq++) {
      const msg = await jsm.streams.getMessage(stream, { seq })
      if (msg) stored.push(msg.json<AnyEnvelope>())
    }
    return { flushed, stored }
  } finally {
    await sql.end({ timeout: 5 })
    await nc.close()
  }
}
