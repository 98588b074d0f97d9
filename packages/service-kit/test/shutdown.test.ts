import postgres from 'postgres'
import t from 'tap'
import { request } from 'undici'
import { dbPlugin, natsPlugin } from '../src/index.js'
import {
  createTestDatabase,
  createTestNamespace,
  deferred,
  TEST_NATS_URL,
  waitUntil,
} from '../src/testing/index.js'
import { build } from './helper.js'

t.test(
  'closing lets an in-flight request finish, refuses new ones, drains NATS and ends the pool',
  async (t) => {
    const namespace = createTestNamespace(t)
    const connectionString = await createTestDatabase(t)
    const applicationName = `kit-shutdown-${namespace}`
    const entered = deferred()
    const release = deferred()
    let finished = false
    const app = await build(t, async (app) => {
      await app.register(natsPlugin, { servers: TEST_NATS_URL, name: 'kit-test', namespace, streams: [] })
      await app.register(dbPlugin, {
        connectionString: `${connectionString}?application_name=${applicationName}`,
        schema: 'kit_shutdown',
      })
      app.get('/slow', async () => {
        entered.resolve()
        await release.promise
        // The pool must still serve the in-flight request while the app is closing.
        const [row] = await app.sql<{ one: number }[]>`select 1 as one`
        finished = true
        return { done: true, one: row?.one }
      })
    })
    const admin = postgres(connectionString, { max: 1, onnotice: () => {} })
    t.teardown(() => admin.end())
    const serverSide = async () =>
      (
        await admin<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where application_name = ${applicationName}`
      )[0]?.n
    await app.sql`select 1`
    t.ok(((await serverSide()) ?? 0) > 0, 'PostgreSQL sees the pool before closing')
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    const inFlight = request(`${address}/slow`)
    await entered.promise
    const closing = app.close()
    release.resolve()

    const res = await inFlight
    t.equal(res.statusCode, 200)
    t.equal(res.headers.connection, 'close', 'the keep-alive client is told to leave')
    t.same(await res.body.json(), { done: true, one: 1 })
    await closing
    t.ok(finished)
    t.ok(app.nats.nc.isClosed(), 'the NATS connection was drained and closed')
    await t.rejects(app.sql`select 1`, { code: 'CONNECTION_ENDED' }, 'the pool was ended')
    t.ok(await waitUntil(async () => (await serverSide()) === 0), 'PostgreSQL sees no connection of the app')
    await t.rejects(request(`${address}/healthz`), 'no longer accepting connections')
  },
)
