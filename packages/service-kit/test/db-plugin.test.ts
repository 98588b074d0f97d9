import { fileURLToPath } from 'node:url'
import { asc } from 'drizzle-orm'
import t from 'tap'
import { dbPlugin } from '../src/index.js'
import { createTestDatabase } from '../src/testing/index.js'
import { widgets } from './fixtures/schema.js'
import { build } from './helper.js'

const migrationsFolder = fileURLToPath(new URL('./fixtures/drizzle', import.meta.url))
const at = new Date('2024-03-05T06:07:08.123Z')

t.test("rawDates 'date': raw queries on app.sql bind and read Date, and drizzle still does", async (t) => {
  const url = await createTestDatabase(t)
  const app = await build(t, async (app) => {
    await app.register(dbPlugin, {
      connectionString: url,
      schema: 'kit_test',
      migrationsFolder,
      rawDates: 'date',
    })
  })
  await app.sql`insert into kit_test.widgets (name, created_at) values ('raw', ${at})`
  await app.db.insert(widgets).values({ name: 'drizzle', createdAt: new Date(at.getTime() + 1000) })

  const raw = await app.sql<{ name: string; createdAt: unknown }[]>`
    select name, created_at as "createdAt" from kit_test.widgets order by id`
  t.same(
    raw.map((r) => [r.name, r.createdAt instanceof Date ? r.createdAt.toISOString() : r.createdAt]),
    [
      ['raw', '2024-03-05T06:07:08.123Z'],
      ['drizzle', '2024-03-05T06:07:09.123Z'],
    ],
    'raw reads are Date, equal to what either side wrote',
  )
  const [byDate] = await app.sql<{ n: number }[]>`
    select count(*)::int as n from kit_test.widgets where created_at > ${at}`
  t.equal(byDate?.n, 1, 'a Date binds as timestamptz in a comparison')

  const typed = await app.db.select().from(widgets).orderBy(asc(widgets.id))
  t.same(
    typed.map((r) => [r.name, r.createdAt instanceof Date ? r.createdAt.toISOString() : r.createdAt]),
    [
      ['raw', '2024-03-05T06:07:08.123Z'],
      ['drizzle', '2024-03-05T06:07:09.123Z'],
    ],
    'drizzle reads the same Dates',
  )
})

t.test(
  'by default raw queries on app.sql read date/time values as strings (drizzle’s setting)',
  async (t) => {
    const url = await createTestDatabase(t)
    const app = await build(t, async (app) => {
      await app.register(dbPlugin, { connectionString: url, schema: 'kit_test', migrationsFolder })
    })
    await app.sql`insert into kit_test.widgets (name, created_at) values ('raw', ${at.toISOString()})`
    const [row] = await app.sql<
      { createdAt: unknown }[]
    >`select created_at as "createdAt" from kit_test.widgets`
    t.type(row?.createdAt, 'string')
    t.equal(new Date(row?.createdAt as string).toISOString(), at.toISOString())
    const [typed] = await app.db.select().from(widgets)
    t.equal(typed?.createdAt.toISOString(), at.toISOString(), 'drizzle maps it to a Date')
  },
)
