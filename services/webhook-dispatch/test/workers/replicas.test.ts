import { Subjects } from '@social-bridge/contracts'
import t from 'tap'
import {
  asUser,
  build,
  createEndpoint,
  newTenant,
  postPublished,
  startDispatch,
  startReceiver,
  statusChanged,
  waitUntil,
} from '../helper.js'

/** Replicas sharing one database and NATS namespace: no event lost when one dies, none sent twice at once. */
const ctx = await build(t)
const tenant = newTenant()

t.test(
  'a dispatcher killed mid-delivery loses nothing: another replica delivers the same webhook-id',
  async (t) => {
    const r = await startReceiver(t)
    r.mode = { kind: 'hang' }
    const ep = await createEndpoint(ctx.app, tenant, { url: r.url, events: ['post.status_changed'] })
    r.secrets = [ep.secret]
    // the first replica's attempt is in flight (the receiver holds it) when it goes away
    const first = await startDispatch(t, ctx.config)
    await ctx.app.close()
    const id = await ctx.emit(Subjects.postStatusChanged, tenant, statusChanged('queued', 'uploading'))
    t.ok(await waitUntil(() => r.held() === 1), 'the attempt reached the receiver')
    await first.close()
    r.mode = { kind: 'ok' }
    r.release()
    const second = await startDispatch(t, ctx.config)
    t.ok(await waitUntil(() => r.received.some((x) => x.id === id)), 'delivered by the next replica')
    t.equal(r.received.filter((x) => x.id === id).length, 1)
    t.same(r.received[0]?.verifiedBy, [0])
    const log = async () =>
      (
        await second.inject({ url: `/webhook-endpoints/${ep.id}/deliveries`, headers: await asUser(tenant) })
      ).json().items
    t.ok(await waitUntil(async () => (await log()).length > 0))
    t.match(
      await log(),
      [{ eventId: id, deliveryStatus: 'delivered', attempt: 1 }],
      'the cut attempt was never recorded',
    )
  },
)

t.test('two replicas deliver each event once', async (t) => {
  const a = await startDispatch(t, ctx.config)
  await startDispatch(t, ctx.config)
  const r = await startReceiver(t)
  const ep = await createEndpoint(a, tenant, { url: r.url, events: ['post.published'] })
  r.secrets = [ep.secret]
  const ids: string[] = []
  for (let i = 0; i < 20; i++)
    ids.push(await ctx.emit(Subjects.postPublished, tenant, postPublished(`v_pub_${i}`)))
  t.ok(await waitUntil(() => r.received.length >= 20))
  await waitUntil(() => false, 300)
  t.same(r.received.map((x) => x.id).sort(), ids.sort(), 'each event once across replicas')
})
