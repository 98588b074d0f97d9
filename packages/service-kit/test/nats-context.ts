import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { Streams } from '@social-bridge/contracts'
import { ensureStreams } from '../src/index.js'
import { createTestNamespace, TEST_NATS_URL, type Teardownable } from '../src/testing/index.js'

/** A NATS connection and a fresh namespace with the system's streams, cleaned up at teardown. */
export async function natsForTest(
  t: Teardownable,
): Promise<{ nc: NatsConnection; jsm: JetStreamManager; namespace: string }> {
  const namespace = createTestNamespace(t)
  const nc = await connect({ servers: TEST_NATS_URL })
  t.teardown(() => nc.close())
  const jsm = await jetstreamManager(nc)
  await ensureStreams(jsm, Object.values(Streams), namespace)
  return { nc, jsm, namespace }
}

export { waitUntil } from '../src/testing/index.js'
