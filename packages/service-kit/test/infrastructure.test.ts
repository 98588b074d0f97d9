import Fastify, { type FastifyInstance } from 'fastify'
import t from 'tap'
import {
  createFastifyOptions,
  createInternalTokenSigner,
  type InfrastructureOptions,
  infrastructurePlugin,
} from '../src/index.js'
import {
  createTestDatabase,
  createTestNamespace,
  TEST_NATS_URL,
  type Teardownable,
} from '../src/testing/index.js'
import { build } from './helper.js'

// infrastructurePlugin registers what every service starts with, in services/README.md's
// "Register order", and skips the parts a service leaves out.

const secret = 'i'.repeat(40)

async function service(t: Teardownable, namespace = createTestNamespace(t)): Promise<FastifyInstance> {
  const config = {
    INTERNAL_JWT_SECRET: secret,
    DATABASE_URL: await createTestDatabase(t),
    NATS_URL: TEST_NATS_URL,
    NATS_NAMESPACE: namespace,
  }
  const app = Fastify(createFastifyOptions({ service: 'kit-full', logLevel: 'silent' }))
  t.teardown(() => app.close())
  await app.register(infrastructurePlugin, {
    service: 'kit-full',
    config, // internal auth by default
    db: { schema: 'kit_test', poolSize: 2 },
    streams: [],
  })
  app.get('/private', async (request) => ({ identity: request.identity }))
  await app.ready()
  return app
}

/** What every service gets, in order (services/README.md "Register order"). */
const always = [
  'sb-infrastructure',
  'sb-error-handler',
  'sb-request-id',
  'sb-request-log',
  'sb-health',
  'sb-metrics',
]

/** The kit's plugin names in the order the app registered them. */
function registered(app: FastifyInstance): string[] {
  return app.printPlugins().match(/sb-[a-z-]+/g) ?? []
}

t.test('every part registers in the documented order', async (t) => {
  const app = await service(t)
  t.same(registered(app), [...always, 'sb-internal-auth', 'sb-db', 'sb-nats', 'sb-operational-metrics'])
})

t.test('readiness checks the database and NATS; health and metrics stay open', async (t) => {
  const namespace = createTestNamespace(t)
  const app = await service(t, namespace)
  const ready = await app.inject('/readyz')
  t.equal(ready.statusCode, 200)
  t.same(ready.json().checks, { postgres: 'ok', nats: 'ok' })
  t.equal((await app.inject('/healthz')).statusCode, 200)
  t.match((await app.inject('/metrics')).body, /service="kit-full"/)
  t.same(await app.sql`select 1 as one`, [{ one: 1 }], 'app.sql is the pool')
  t.equal(app.nats.namespace, namespace, 'NATS in the configured namespace')
})

t.test('a request without an internal token answers 401 in the shared shape, with its id', async (t) => {
  const app = await service(t)
  const res = await app.inject({ url: '/private', headers: { 'x-request-id': 'infra-1' } })
  t.equal(res.statusCode, 401)
  t.same(Object.keys(res.json()).sort(), ['error', 'requestId'])
  t.equal(res.json().error.code, 'UNAUTHORIZED')
  t.equal(res.headers['x-request-id'], 'infra-1')
  const token = await createInternalTokenSigner({ secret }).forService('publish-service')
  const ok = await app.inject({ url: '/private', headers: { 'x-internal-token': token } })
  t.same(ok.json().identity, { kind: 'service', service: 'publish-service' })
})

t.test('a service that leaves parts out gets only the first four', async (t) => {
  const app = await build(t, (app) => {
    app.get('/open', async () => ({ ok: true }))
  })
  t.same(registered(app), [...always, 'sb-operational-metrics'])
  t.equal((await app.inject('/open')).statusCode, 200, 'no internal token asked for')
  t.same((await app.inject('/readyz')).json().checks, {}, 'no database or NATS check')
  t.notOk(app.hasDecorator('db'))
  t.notOk(app.hasDecorator('nats'))
})

const incomplete: [part: string, opts: Partial<InfrastructureOptions>, missing: string][] = [
  ['internalAuth', {}, 'INTERNAL_JWT_SECRET'], // on unless turned off
  ['db', { internalAuth: false, db: { schema: 'kit_test' } }, 'DATABASE_URL'],
  ['streams', { internalAuth: false, streams: [] }, 'NATS_URL'],
]
for (const [part, opts, missing] of incomplete) {
  t.test(`${part} without config.${missing} fails at start, naming it`, async (t) => {
    const app = Fastify({ logger: false })
    t.teardown(() => app.close())
    await t.rejects(
      async () => {
        await app.register(infrastructurePlugin, { service: 'kit-test', config: {}, ...opts })
      },
      new RegExp(`${part} needs config\\.${missing}`),
    )
  })
}
