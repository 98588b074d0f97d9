import { randomBytes } from 'node:crypto'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { type AnyEnvelope, namespacedStream, Streams } from '@social-bridge/contracts'
import type { Teardownable } from './teardown.js'

/** NATS server the tests use. */
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222'

/**
 * A fresh NATS namespace (subject and stream prefix) for one test; its streams, and the object
 * store buckets named under it (`OBJ_<namespace>_…`), are deleted at teardown. Pass it as
 * `namespace` to the nats plugin and consumers.
 */
export function createTestNamespace(t: Teardownable): string {
  const namespace = `t${randomBytes(5).toString('hex')}`
  t.teardown(async () => {
    const nc = await connect({ servers: TEST_NATS_URL })
    const jsm = await jetstreamManager(nc)
    for await (const s of jsm.streams.list()) {
      const name = s.config.name
      if (name.startsWith(`${namespace.toUpperCase()}_`) || name.startsWith(`OBJ_${namespace}_`))
        await jsm.streams.delete(name)
    }
    await nc.close()
  })
  return namespace
}

/** One message read back from a stream by {@link readStream}. */
export interface StoredMessage<T = AnyEnvelope> {
  /** Subject without the namespace prefix. */
  subject: string
  /** `Nats-Msg-Id` header ('' when absent). */
  msgId: string
  /** The message body, parsed as JSON. */
  envelope: T
}

/**
 * Every message stored so far in `stream` (a `Streams` entry, default SOCIAL_EVENTS) under
 * `namespace`, oldest first, optionally only those matching `filter` (an un-namespaced subject
 * filter such as `social.post.>`). Reads with its own connection to `servers` and an ephemeral
 * ordered consumer; an empty or missing match gives `[]`.
 */
export async function readStream<T = AnyEnvelope>(
  namespace: string,
  opts: { stream?: (typeof Streams)[keyof typeof Streams]; filter?: string; servers?: string } = {},
): Promise<StoredMessage<T>[]> {
  const nc = await connect({ servers: opts.servers ?? TEST_NATS_URL })
  try {
    const stream = namespacedStream(namespace, opts.stream ?? Streams.socialEvents).name
    const info = await (await jetstreamManager(nc)).streams.info(stream)
    const out: StoredMessage<T>[] = []
    if (info.state.messages === 0) return out
    const prefix = namespace ? `${namespace}.` : ''
    const consumer = await jetstream(nc).consumers.get(
      stream,
      opts.filter ? { filter_subjects: `${prefix}${opts.filter}` } : {},
    )
    for (let pending = 1; pending > 0; ) {
      pending = 0
      for await (const msg of await consumer.fetch({ max_messages: 1000, expires: 1000 })) {
        out.push({
          subject: msg.subject.slice(prefix.length),
          msgId: msg.headers?.get('Nats-Msg-Id') ?? '',
          envelope: msg.json<T>(),
        })
        pending = msg.info.pending
      }
    }
    return out
  } finally {
    await nc.close()
  }
}

/** The envelopes of {@link readStream} on SOCIAL_EVENTS matching `filter` (un-namespaced). */
export async function readEvents(namespace: string, filter: string): Promise<AnyEnvelope[]> {
  return (await readStream(namespace, { filter })).map((m) => m.envelope)
}
