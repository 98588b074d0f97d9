import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jetstreamManager } from '@nats-io/jetstream'
import { namespacedStream, Streams, Subjects } from '@social-bridge/contracts'
import {
  connectNats,
  createEnvelope,
  createEventBus,
  ensureStreams,
  startDurableConsumer,
} from '@social-bridge/service-kit'
import { waitUntil } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { type NatsNode, startNatsCluster } from '../src/nats-cluster.js'

// A durable consumer on a 3-node cluster keeps consuming when the node leading its consumer is
// SIGKILLed (deploy/README.md "Cluster mode"). With nats.js's default pull (`expires` 30 s) the
// lost pull was noticed after two missed 15 s heartbeats and the consumer re-checked every 30 s:
// it stood still 30–60 s (45 s measured here), past the 30 s ack wait. With PULL_EXPIRES_MS it
// resumes a few seconds after the election (~10 s measured under load). The bound below is
// liveness — resume before one ack wait — not a speed target.

const ns = 'clustertest'
const subject = Subjects.postStatusChanged
const streamName = namespacedStream(ns, Streams.socialEvents).name

t.test('a durable consumer keeps consuming after its leader node is SIGKILLed', async (t) => {
  const cluster = await startNatsCluster({ dir: mkdtempSync(join(tmpdir(), 'sb-cluster-')) })
  t.teardown(() => cluster.stop())
  const nc = await connectNats({ servers: cluster.seeds, name: 'cluster-consumer-test' })
  t.teardown(() => nc.close())
  const jsm = await jetstreamManager(nc)
  await ensureStreams(jsm, [Streams.socialEvents], ns, 3)
  const seen = new Set<number>()
  const consumer = await startDurableConsumer<{ n: number }>({
    nc,
    namespace: ns,
    stream: Streams.socialEvents,
    durableName: 'cluster-consumer',
    filterSubject: subject,
    handler: async (env) => {
      seen.add(env.data.n)
    },
    log: { warn: (o, m) => t.comment(m, o), error: (o, m) => t.comment(m, o) },
  })
  t.teardown(() => consumer.stop())
  const bus = createEventBus(nc, ns)
  const publish = async (n: number) => {
    for (;;) {
      try {
        return await bus.publish(subject, createEnvelope({ type: subject, tenantId: 't', data: { n } }))
      } catch {
        await new Promise((r) => setTimeout(r, 250))
      }
    }
  }
  for (let n = 0; n < 5; n++) await publish(n)
  t.ok(await waitUntil(() => seen.size === 5, 15_000), 'consumed before the fault')

  const info = await jsm.consumers.info(streamName, 'cluster-consumer')
  const leader = info.cluster?.leader
  t.comment(
    `consumer leader ${leader}, stream leader ${(await jsm.streams.info(streamName)).cluster?.leader}`,
  )
  const victim = cluster.nodes.find((n) => n.name === leader) as NatsNode
  await victim.kill('SIGKILL')
  const killedAt = Date.now()
  for (let n = 5; n < 10; n++) await publish(n)
  const ok = await waitUntil(() => seen.size === 10, 25_000, 100)
  t.comment(`resumed ${Date.now() - killedAt} ms after the kill`)
  t.ok(ok, 'consumes again before one ack wait (30 s) after its leader node was killed')
  await victim.restart()
  for (let n = 10; n < 15; n++) await publish(n)
  t.ok(await waitUntil(() => seen.size === 15, 25_000, 100), 'consumes after the node came back')
  t.equal(seen.size, 15, 'every message handled')
})
