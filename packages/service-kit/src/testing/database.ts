import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import postgres, { type Sql } from 'postgres'
import { runMigrations } from '../db/migrate.js'
import type { Teardownable } from './teardown.js'

/** PostgreSQL server the tests use (an admin database on it); default: the machine's local one. */
export const TEST_ADMIN_DATABASE_URL =
  process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** One service's committed migrations, as its app applies them at start (`runMigrations`). */
export interface TestMigrations {
  /** The service's schema (`auth`, `publish`, …). */
  schema: string
  /** Its drizzle-kit folder (`drizzle/` with `meta/_journal.json`). */
  migrationsFolder: string
}

/** Options of {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /**
   * Migrations already applied when the test gets the database (default none: an empty
   * database). The database is cloned from a template migrated once per set of migration
   * contents, so a service started on it finds every migration recorded and applies nothing.
   */
  migrations?: TestMigrations[]
}

const adminClient = (): Sql => postgres(TEST_ADMIN_DATABASE_URL, { max: 1, onnotice: () => {} })

/**
 * Creates a database of its own for one test (so tests run in parallel and migrations use the
 * real schema names), and drops it after the test (in the background, see `dropInBackground`): empty, or with `opts.migrations` applied (cloned
 * from a migrated template, see {@link TestDatabaseOptions}). Commits on it do not wait for the
 * disk (`synchronous_commit = off`: only a server crash could lose them — never in a test).
 * @returns its connection URL.
 * @throws the database error of a failing migration while the template is built.
 */
export async function createTestDatabase(t: Teardownable, opts: TestDatabaseOptions = {}): Promise<string> {
  const template = opts.migrations?.length ? await migratedTemplate(opts.migrations) : undefined
  const name = `sb_test_${randomBytes(6).toString('hex')}`
  const admin = adminClient()
  try {
    await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`)
    await admin.unsafe(`alter database ${name} set synchronous_commit = off`)
  } finally {
    await admin.end()
  }
  t.teardown(() => dropInBackground(name))
  return databaseUrl(name)
}

/**
 * Drops a test's database without holding up the next test: DROP DATABASE waits for a
 * checkpoint of the whole server (hundreds of ms on a busy disk). The open connection keeps the
 * process alive until the drop is done, so a test file still ends with its databases gone; a
 * failed drop is reported on stderr (a leftover `sb_test_*` database harms no later test).
 */
function dropInBackground(name: string): void {
  const sql = adminClient()
  sql
    .unsafe(`drop database if exists ${name} with (force)`)
    .catch((err: Error) => console.error(`# could not drop test database ${name}: ${err.message}`))
    .finally(() => sql.end())
}

function databaseUrl(name: string): string {
  const url = new URL(TEST_ADMIN_DATABASE_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/** Template names by migration set, for this process. */
const templates = new Map<string, Promise<string>>()

/**
 * The name of a template database with `migrations` applied, built once per content of those
 * folders on the server (name `sb_tpl_<hash>`, kept between runs; a changed migration gives a new
 * hash). Processes building the same template at once wait for each other on an advisory lock.
 */
function migratedTemplate(migrations: TestMigrations[]): Promise<string> {
  const hash = createHash('sha256')
  for (const m of migrations) {
    hash.update(`${m.schema}\0`)
    const files = [
      'meta/_journal.json',
      ...readdirSync(m.migrationsFolder)
        .filter((f) => f.endsWith('.sql'))
        .sort(),
    ]
    for (const f of files)
      hash
        .update(`${f}\0`)
        .update(readFileSync(join(m.migrationsFolder, f)))
        .update('\0')
  }
  const name = `sb_tpl_${hash.digest('hex').slice(0, 24)}`
  let built = templates.get(name)
  if (!built) {
    built = buildTemplate(name, migrations)
    templates.set(name, built)
    built.catch(() => templates.delete(name))
  }
  return built
}

async function buildTemplate(name: string, migrations: TestMigrations[]): Promise<string> {
  const admin = adminClient()
  try {
    await admin`select pg_advisory_lock(hashtext(${`social-bridge:test-template:${name}`}))`
    const [ready] = await admin`select 1 from pg_database where datname = ${name} and datistemplate`
    if (ready) return name
    // A build that died half-way leaves `<name>_wip`; start it again from nothing.
    const wip = `${name}_wip`
    await admin.unsafe(`drop database if exists ${wip} with (force)`)
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.unsafe(`create database ${wip}`)
    for (const m of migrations) await runMigrations({ connectionString: databaseUrl(wip), ...m })
    await renameUnused(admin, wip, name)
    await admin.unsafe(`alter database ${name} is_template true`)
    return name
  } finally {
    await admin.end()
  }
}

/** Renames a database whose last session may still be closing server-side (a rename needs it unused). */
async function renameUnused(admin: Sql, from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${from}`
    try {
      await admin.unsafe(`alter database ${from} rename to ${to}`)
      return
    } catch (err) {
      // 55006 object_in_use: "database is being accessed by other users"
      if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err
      await new Promise((r) => setTimeout(r, 20))
    }
  }
}
