import { Streams } from '@social-bridge/contracts'
import t from 'tap'
import { dbPlugin, natsPlugin } from '../src/index.js'
import {
  createTestDatabase,
  createTestNamespace,
  startPrivateNats,
  TEST_NATS_URL,
  waitUntil,
} from '../src/testing/index.js'
import { build } from './helper.js'

t.test('readiness turns 503 when NATS is unreachable and 200 when it returns', async (t) => {
  const nats = await startPrivateNats()
  t.teardown(() => nats.cleanup())
  const app = await build(t, async (app) => {
    await app.register(natsPlugin, { servers: nats.url, name: 'kit-test', streams: [Streams.socialEvents] })
  })
  const ready = await app.inject('/readyz')
  t.equal(ready.statusCode, 200)
  t.equal(ready.json().checks.nats, 'ok')

  await nats.stop()
  t.ok(
    await waitUntil(async () => (await app.inject('/readyz')).statusCode === 503, 15_000),
    'not ready while down',
  )
  const down = await app.inject('/readyz')
  t.not(down.json().checks.nats, 'ok')
  t.equal((await app.inject('/healthz')).statusCode, 200, 'still alive')

  await nats.start()
  t.ok(await waitUntil(async () => (await app.inject('/readyz')).statusCode === 200, 15_000), 'ready again')
})

t.test('readiness reports PostgreSQL and NATS by name', async (t) => {
  const url = await createTestDatabase(t)
  const namespace = createTestNamespace(t)
  const app = await build(t, async (app) => {
    await app.register(dbPlugin, { connectionString: url, schema: 'kit_test' })
    await app.register(natsPlugin, { servers: TEST_NATS_URL, name: 'kit-test', namespace, streams: [] })
  })
  const res = await app.inject('/readyz')
  t.equal(res.statusCode, 200)
  t.same(res.json().checks, { postgres: 'ok', nats: 'ok' })
})

t.test('metrics count requests by route pattern and status', async (t) => {
  const app = await build(t, (app) => {
    app.get('/things/:id', async () => ({ ok: true }))
  })
  await app.inject('/things/1')
  await app.inject('/things/2')
  const res = await app.inject('/metrics')
  t.equal(res.statusCode, 200)
  t.match(
    res.body,
    /http_requests_total\{method="GET",route="\/things\/:id",status_code="200",service="kit-test"\} 2/,
  )
  t.match(
    res.body,
    /http_request_duration_seconds_count\{service="kit-test",method="GET",route="\/things\/:id",status_code="200"\} 2/,
  )
})
