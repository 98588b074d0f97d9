import { type AnyEnvelope, namespacedStream, namespacedSubject, Streams } from '@social-bridge/contracts'
import type { FastifyInstance } from 'fastify'

/** Every event stored so far on `filter` (un-namespaced) in the app's SOCIAL_EVENTS stream, with its subject. */
export async function readEvents(
  app: FastifyInstance,
  filter: string,
): Promise<{ subject: string; envelope: AnyEnvelope }[]> {
  const { js, namespace } = app.nats
  const stream = namespacedStream(namespace, Streams.socialEvents).name
  const consumer = await js.consumers.get(stream, { filter_subjects: namespacedSubject(namespace, filter) })
  const out: { subject: string; envelope: AnyEnvelope }[] = []
  for (;;) {
    const msg = await consumer.next({ expires: 1000 })
    if (!msg) return out
    out.push({ subject: msg.subject, envelope: msg.json<AnyEnvelope>() })
    if (msg.info.pending === 0) return out
  }
}
