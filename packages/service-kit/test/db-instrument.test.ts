import { fileURLToPath } from 'node:url'
import { context, SpanKind, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { eq } from 'drizzle-orm'
import t from 'tap'
import { dbPlugin } from '../src/index.js'
import { createTestDatabase, type Teardownable } from '../src/testing/index.js'
import { widgets } from './fixtures/schema.js'
import { build } from './helper.js'

// PostgreSQL spans and pool gauges of service-kit's pool (src/db/instrument.ts), over the real
// PostgreSQL; a real OpenTelemetry SDK with an in-memory exporter records the spans.
const exporter = new InMemorySpanExporter()
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }))
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
const tracer = trace.getTracer('db-instrument.test')
const migrationsFolder = fileURLToPath(new URL('./fixtures/drizzle', import.meta.url))
const SECRET = 'act.SECRETaccess1234567890'

async function appWithDb(t: Teardownable, poolSize = 10) {
  const url = await createTestDatabase(t)
  return build(t, async (app) => {
    await app.register(dbPlugin, { connectionString: url, schema: 'kit_test', migrationsFolder, poolSize })
  })
}

t.test(
  'queries inside a trace are CLIENT spans of it, with the SQL but never a parameter; outside, none',
  async (t) => {
    const app = await appWithDb(t)
    exporter.reset()
    await app.sql`select ${SECRET}::text as untraced`
    const parent = await tracer.startActiveSpan('request', async (span) => {
      await app.db.insert(widgets).values({ name: SECRET })
      await app.sql`select count(*) from kit_test.widgets where name = ${SECRET}`
      await app.db.transaction(async (tx) => {
        await tx.select().from(widgets).where(eq(widgets.name, SECRET))
      })
      span.end()
      return span.spanContext()
    })
    const spans = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT)
    t.same(
      spans.map((s) => s.name),
      ['INSERT', 'SELECT', 'BEGIN', 'SELECT', 'COMMIT'],
      'one span per statement, transaction included; none for the query outside the trace',
    )
    for (const s of spans) {
      t.equal(s.spanContext().traceId, parent.traceId)
      t.equal(s.parentSpanContext?.spanId, parent.spanId, `${s.name} is a child of the request span`)
      t.equal(s.attributes['db.system.name'], 'postgresql')
      t.notOk(JSON.stringify(s.attributes).includes(SECRET), `${s.name} holds no parameter value`)
    }
    t.match(
      spans[1]?.attributes['db.query.text'],
      /^select count\(\*\) from kit_test\.widgets where name = \$1$/,
    )
  },
)

const gauge = async (app: Awaited<ReturnType<typeof appWithDb>>, name: string) => {
  const metric = await app.metrics.getSingleMetric(name)?.get()
  return metric?.values[0]?.value
}

t.test(
  'the pool gauges count transactions and queries in use, and what waits beyond the pool size',
  async (t) => {
    const app = await appWithDb(t, 2)
    t.equal(await gauge(app, 'social_bridge_db_pool_max_connections'), 2)
    let open!: () => void
    const gate = new Promise<void>((r) => {
      open = r
    })
    let inside = 0
    const held = [1, 2, 3].map(() =>
      app.sql.begin(async (tx) => {
        await tx`select 1`
        inside++
        await gate
      }),
    )
    const query = app.sql`select pg_sleep(0.05)`.then(() => 'done')
    await t.resolves(
      (async () => {
        while (inside < 2) await new Promise((r) => setTimeout(r, 10))
      })(),
    )
    t.equal(await gauge(app, 'social_bridge_db_pool_connections_in_use'), 2, 'both connections in use')
    t.equal(await gauge(app, 'social_bridge_db_pool_waiting'), 2, 'the third transaction and the query wait')
    open()
    await Promise.all(held)
    t.equal(await query, 'done')
    t.equal(await gauge(app, 'social_bridge_db_pool_connections_in_use'), 0, 'all back once they ended')
    t.equal(await gauge(app, 'social_bridge_db_pool_waiting'), 0)
  },
)
