import { Subjects } from '@social-bridge/contracts'
import { startPrivateNats } from '@social-bridge/service-kit/testing'
import t from 'tap'
import {
  asUser,
  build,
  createEndpoint,
  newTenant,
  postPublished,
  startReceiver,
  waitUntil,
} from '../helper.js'

/**
 * NATS goes away mid-flow and comes back (a private nats-server, never the machine's shared one):
 * deliveries already stored keep going out, the events NATS held are consumed once it is back,
 * and each event reaches the receiver exactly once per webhook-id, verified with the
 * `standardwebhooks` library.
 */
t.test('NATS stopped mid-flow and restarted: every event delivered once, none lost', async (t) => {
  const nats = await startPrivateNats()
  t.teardown(() => nats.cleanup())
  const { app, emit } = await build(t, { NATS_URL: nats.url })
  const tenant = newTenant()
  const r = await startReceiver(t)
  const ep = await createEndpoint(app, tenant, { url: r.url, events: ['post.published'] })
  r.secrets = [ep.secret]
  const emitMany = async (n: number, tag: string) => {
    const ids: string[] = []
    for (let i = 0; i < n; i++)
      ids.push(await emit(Subjects.postPublished, tenant, postPublished(`v_pub_${tag}_${i}`)))
    return ids
  }

  const attempted = async () =>
    (
      await app.inject({
        url: `/webhook-endpoints/${ep.id}/deliveries?limit=100`,
        headers: await asUser(tenant),
      })
    ).json().items as { eventId: string; deliveryStatus: string; error: string | null }[]

  // the receiver is down: these are stored in PostgreSQL and retried when NATS goes
  await r.stop()
  const stored = await emitMany(3, 'stored')
  t.ok(
    await waitUntil(async () => {
      const log = await attempted()
      return stored.every((id) => log.some((a) => a.eventId === id && a.error !== null))
    }),
    'the first events were attempted and are being retried',
  )
  // in JetStream, consumed or not, when NATS goes
  const midFlight = await emitMany(10, 'mid')
  await nats.stop('SIGTERM')
  t.equal((await app.inject('/readyz')).statusCode, 503, 'not ready while NATS is down')

  await r.start()
  const delivered = (ids: string[]) => ids.every((id) => r.received.some((x) => x.id === id))
  t.ok(await waitUntil(() => delivered(stored)), 'deliveries already in PostgreSQL go out while NATS is down')

  await nats.start()
  t.ok(await waitUntil(async () => (await app.inject('/readyz')).statusCode === 200, 20_000), 'ready again')
  const after = await emitMany(5, 'after')
  const all = [...stored, ...midFlight, ...after]
  t.ok(await waitUntil(() => delivered(all), 30_000), 'every event delivered once NATS is back')
  await waitUntil(() => false, 500) // a duplicate would arrive now

  t.same(
    r.received.map((x) => x.id).sort(),
    [...all].sort(),
    'each event exactly once per webhook-id, nothing else',
  )
  t.ok(
    r.received.every((x) => x.verifiedBy.length === 1 && x.verifiedBy[0] === 0),
    'every delivery verifies with the endpoint secret (standardwebhooks)',
  )
  const log = await attempted()
  t.same(
    new Set(log.filter((a) => a.deliveryStatus === 'delivered').map((a) => a.eventId)),
    new Set(all),
    'the log shows each delivered',
  )
})
