import t from 'tap'
import { request } from 'undici'
import { createTestNamespace, natsPlugin, TEST_NATS_URL } from '../src/index.js'
import { build } from './helper.js'

t.test('closing lets an in-flight request finish, refuses new ones, and drains NATS', async (t) => {
  const namespace = createTestNamespace(t)
  let finished = false
  const app = await build(t, async (app) => {
    await app.register(natsPlugin, { servers: TEST_NATS_URL, name: 'kit-test', namespace, streams: [] })
    app.get('/slow', async () => {
      await new Promise((r) => setTimeout(r, 500))
      finished = true
      return { done: true }
    })
  })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const inFlight = request(`${address}/slow`)
  await new Promise((r) => setTimeout(r, 100))
  const closing = app.close()

  const res = await inFlight
  t.equal(res.statusCode, 200)
  t.equal(res.headers.connection, 'close', 'the keep-alive client is told to leave')
  t.same(await res.body.json(), { done: true })
  await closing
  t.ok(finished)
  t.ok(app.nats.nc.isClosed(), 'the NATS connection was drained and closed')
  await t.rejects(request(`${address}/healthz`), 'no longer accepting connections')
})
