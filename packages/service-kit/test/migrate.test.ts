import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import t from 'tap'
import { runMigrations } from '../src/index.js'
import { createTestDatabase } from '../src/testing/index.js'

const migrationsFolder = fileURLToPath(new URL('./fixtures/drizzle', import.meta.url))

t.test('migrations apply exactly once when two replicas start at the same time', async (t) => {
  const url = await createTestDatabase(t)
  const results = await Promise.allSettled([
    runMigrations({ connectionString: url, schema: 'kit_test', migrationsFolder }),
    runMigrations({ connectionString: url, schema: 'kit_test', migrationsFolder }),
  ])
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled'],
  )
  const sql = postgres(url, { max: 1 })
  t.teardown(() => sql.end())
  const journal = await sql`select count(*)::int as n from drizzle.__migrations_kit_test`
  t.equal(journal[0]?.n, 1, 'one journal row')
  await sql`insert into kit_test.widgets (name) values ('w')`
  const rows = await sql`select name from kit_test.widgets`
  t.same(
    rows.map((r) => r.name),
    ['w'],
  )
})

t.test('a third start later applies nothing and keeps the data', async (t) => {
  const url = await createTestDatabase(t)
  await runMigrations({ connectionString: url, schema: 'kit_test', migrationsFolder })
  const sql = postgres(url, { max: 1 })
  t.teardown(() => sql.end())
  await sql`insert into kit_test.widgets (name) values ('kept')`
  await runMigrations({ connectionString: url, schema: 'kit_test', migrationsFolder })
  const rows = await sql`select name from kit_test.widgets`
  t.equal(rows.length, 1)
})
