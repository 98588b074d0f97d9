import { connect as connectTcp } from 'node:net'
import { namespacedStream, Streams, Subjects } from '@social-bridge/contracts'
import t from 'tap'
import { openSse } from '../../testing/index.js'
import { asUser, build, newTenant, statusChanged, waitUntil } from '../helper.js'

/** `GET /events`: the tenant's public events live, with heartbeats, filters and `Last-Event-ID` resume. */
const ctx = await build(t)
const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' })
const tenantA = newTenant()
const tenantB = newTenant()
const url = `${base}/events`
const post = (to: string) => ctx.emit(Subjects.postStatusChanged, tenantA, statusChanged('queued', to))

t.test(
  'a client that reconnects with Last-Event-ID gets exactly what it missed, and no other tenant',
  async (t) => {
    const first = await openSse(url, await asUser(tenantA, ['social_marketing']))
    t.equal(first.status, 200)
    const b = await openSse(url, await asUser(tenantB))
    const seen = [await post('uploading'), await post('processing')]
    await ctx.emit(Subjects.postStatusChanged, tenantB, statusChanged('queued', 'failed'))
    t.ok(await waitUntil(() => first.events.length === 2 && b.events.length === 1))
    t.same(
      first.events.map((e) => e.data.id),
      seen,
    )
    t.same(b.events[0]?.data.tenantId, tenantB, "tenant B's stream carries only its own event")
    first.close()
    const missed = [await post('published'), await post('failed')]
    const last = first.events[1]?.id ?? ''
    const again = await openSse(url, { ...(await asUser(tenantA)), 'last-event-id': last })
    t.ok(await waitUntil(() => again.events.length >= 2 && again.heartbeats >= 1))
    // order across events is not promised (docs/webhooks-to-the-crm.md "Order"): compare as sets
    t.same(again.events.map((e) => e.data.id).sort(), [...missed].sort(), 'the missed events, once each')
    t.same(
      again.events.map((e) => e.event),
      ['post.status_changed', 'post.status_changed'],
    )
    for (const e of again.events) t.match(e.data, { type: 'post.status_changed', tenantId: tenantA })
    t.same(again.events.map((e) => (e.data.data as { status: string }).status).sort(), [
      'failed',
      'published',
    ])
    again.close()
    b.close()
  },
)

t.test('?types= filters the stream', async (t) => {
  const client = await openSse(`${url}?types=connection.*`, await asUser(tenantA))
  await post('uploading')
  const id = await ctx.emit(Subjects.connectionReauthRequired, tenantA, {
    connectionId: '00000000-0000-4000-8000-000000000001',
    reason: 'invalid_grant',
  })
  t.ok(await waitUntil(() => client.events.length >= 1 && client.heartbeats >= 1))
  t.same(
    client.events.map((e) => [e.data.id, e.event]),
    [[id, 'connection.reauth_required']],
  )
  client.close()
})

t.test('roles without read access and a bad Last-Event-ID are refused', async (t) => {
  const sales = await fetch(url, { headers: await asUser(tenantA, ['sales']) })
  t.equal(sales.status, 403)
  const bad = await fetch(url, { headers: { ...(await asUser(tenantA)), 'last-event-id': 'abc' } })
  t.equal(bad.status, 400)
  t.match(await bad.json(), { error: { code: 'BAD_REQUEST' } })
})

t.test(
  'a client that leaves, even while its stream is being set up, leaves no consumer behind',
  async (t) => {
    const stream = namespacedStream(ctx.namespace, Streams.publicEvents).name
    const consumers = async () => (await ctx.app.nats.jsm.streams.info(stream)).state.consumer_count
    t.ok(await waitUntil(async () => (await consumers()) === 0), 'the streams closed above left none')
    const { port } = new URL(base)
    const headers = Object.entries(await asUser(tenantA))
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')
    // Each client sends its request and goes away at once: its 'close' comes while the handler
    // still awaits the consumer's creation on the server.
    for (let i = 0; i < 10; i++) {
      const socket = connectTcp(Number(port), '127.0.0.1')
      await new Promise((resolve) => socket.once('connect', resolve))
      socket.end(`GET /events HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers}\r\n`)
      socket.destroy()
    }
    // let every handler reach its consumer (or give up) before counting
    await new Promise((resolve) => setTimeout(resolve, 1000))
    t.ok(await waitUntil(async () => (await consumers()) === 0, 5_000), 'every consumer was deleted')
  },
)
