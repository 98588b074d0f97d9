import { jetstream } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { type AnyEnvelope, namespacedStream, namespacedSubject, Streams } from '@social-bridge/contracts'
import { TEST_NATS_URL } from '@social-bridge/service-kit/testing'

/** Reads every event stored so far on `filter` (un-namespaced) in the namespace's SOCIAL_EVENTS stream. */
export async function readEvents(namespace: string, filter: string): Promise<AnyEnvelope[]> {
  const nc = await connect({ servers: TEST_NATS_URL })
  try {
    const js = jetstream(nc)
    const stream = namespacedStream(namespace, Streams.socialEvents).name
    const consumer = await js.consumers.get(stream, { filter_subjects: namespacedSubject(namespace, filter) })
    const out: AnyEnvelope[] = []
    for (;;) {
      const msg = await consumer.next({ expires: 1000 })
      if (!msg) break
      out.push(msg.json<AnyEnvelope>())
      if (msg.info.pending === 0) break
    }
    return out
  } finally {
    await nc.close()
  }
}
