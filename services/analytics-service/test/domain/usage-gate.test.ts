import { fileURLToPath } from 'node:url'
import { runMigrations } from '@social-bridge/service-kit'
import { createTestDatabase } from '@social-bridge/service-kit/testing'
import postgres from 'postgres'
import t, { type Test } from 'tap'
import { createUsageGate, UsageGateClosedError, usageKeys } from '../../src/domain/usage-gate.js'

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url))
const MINUTE_MS = 60_000

/** Two replicas' gates on one database, with an app clock the test moves. */
async function gates(t: Test) {
  const url = await createTestDatabase(t)
  await runMigrations({ connectionString: url, schema: 'analytics', migrationsFolder })
  const sql = postgres(url, { max: 4, onnotice: () => {} })
  t.teardown(() => sql.end())
  const clock = { offset: 0 }
  const now = () => new Date(Date.now() + clock.offset)
  const opts = { sql, clock: now, slowPct: 75, stopPct: 95, slowIntervalMs: 1000, pauseMs: 15 * MINUTE_MS }
  return { a: createUsageGate(opts), b: createUsageGate(opts), clock, now }
}

const { app, account } = usageKeys('17841400000000001')

t.test('below the slow threshold calls pass at once; from it they are spaced', async (t) => {
  const { a } = await gates(t)
  await a.observe([{ key: account, usagePct: 74, regainMs: 0 }])
  t.equal(await a.pass([app, account]), 0, 'at 74 % nothing waits')
  await a.observe([{ key: account, usagePct: 80, regainMs: 0 }])
  t.ok((await a.pass([app, account])) > 0, 'at 80 % the next call waits its interval')
  t.equal(await a.pass([app, account]), 0, 'once the interval is over the key is open again')
})

t.test('from the stop threshold every replica stops until the pause (or Meta’s estimate) ends', async (t) => {
  const { a, b, clock, now } = await gates(t)
  await a.observe([{ key: account, usagePct: 96, regainMs: 40 * MINUTE_MS }])

  const err = await b.pass([app, account]).catch((e: unknown) => e)
  t.type(err, UsageGateClosedError, 'the other replica sees the pause')
  const retryAt = (err as UsageGateClosedError).retryAt.getTime()
  t.ok(retryAt - now().getTime() > 39 * MINUTE_MS, "Meta's 40-minute estimate beats our 15-minute pause")
  await b.observe([{ key: account, usagePct: 10, regainMs: 0 }])
  t.type(
    await a.pass([account]).catch((e: unknown) => e),
    UsageGateClosedError,
    'a later low report never shortens it',
  )
  t.equal(await a.pass([app]), 0, "the app's key is not paused by an account's usage")
  clock.offset += 41 * MINUTE_MS
  t.equal(await a.pass([app, account]), 0, 'open again after the pause')
})

t.test('a throttled key pauses for the delay asked', async (t) => {
  const { a, now } = await gates(t)
  const resumeAt = await a.pause(app, 5 * MINUTE_MS)
  t.ok(Math.abs(resumeAt.getTime() - now().getTime() - 5 * MINUTE_MS) < 1000)
  t.match(await a.pass([app, account]).catch((e: unknown) => e), { key: app, retryAt: resumeAt })
})
