import { JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import { namespacedStream, type StreamSpec } from '@social-bridge/contracts'
import { retryWhileNatsUnavailable } from './unavailable.js'

/**
 * Creates each stream, or updates its subjects and limits when it exists (idempotent; safe when
 * replicas start together). Streams are file-backed with the spec's retention and duplicate window,
 * stored on `replicas` servers of the cluster (1 on a single server, 3 in production); an existing
 * stream is scaled to that count. A NATS that does not answer yet (a cluster forming or electing)
 * is waited for (`retryWhileNatsUnavailable`, up to 60 s) rather than failing the start.
 *
 * @returns the stream names as created (namespaced).
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  specs: StreamSpec[],
  namespace = '',
  replicas = 1,
): Promise<string[]> {
  const names: string[] = []
  for (const raw of specs) {
    const spec = namespacedStream(namespace, raw)
    const config = {
      name: spec.name,
      subjects: spec.subjects,
      max_age: nanos(spec.maxAgeSec * 1000),
      duplicate_window: nanos(spec.duplicateWindowSec * 1000),
      num_replicas: replicas,
    }
    await retryWhileNatsUnavailable(async () => {
      try {
        await jsm.streams.info(spec.name)
        await jsm.streams.update(spec.name, config)
      } catch (err) {
        if (!(err instanceof JetStreamApiError) || err.status !== 404) throw err
        try {
          await jsm.streams.add(config)
        } catch (addErr) {
          // another replica created it in between
          if (!(addErr instanceof JetStreamApiError) || addErr.status === 503) throw addErr
          await jsm.streams.update(spec.name, config)
        }
      }
    })
    names.push(spec.name)
  }
  return names
}
