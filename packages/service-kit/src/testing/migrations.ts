import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres, { type Sql } from 'postgres'
import { type MigrateOptions, runMigrations } from '../db/migrate.js'
import { createTestDatabase } from './database.js'
import type { Teardownable } from './teardown.js'

/** A test database left at an older migration (see {@link createDatabaseBeforeMigration}). */
export interface DatabaseBeforeMigration {
  connectionString: string
  /** A postgres.js client on it (closed at teardown), to write rows in the older shape. */
  sql: Sql
  /** Applies the service's remaining migrations, as a start of the new version would. */
  migrate(): Promise<void>
}

/**
 * A test database with a service's committed migrations applied up to and including the one
 * tagged `tag` (e.g. `0002_authorized_at`), from a copy of the folder whose journal stops there;
 * the test writes rows in that shape, calls `migrate()`, and checks what the later migrations
 * made of them.
 * @throws Error when no migration has that tag; the database error of a failing migration.
 */
export async function createDatabaseBeforeMigration(
  t: Teardownable,
  opts: Omit<MigrateOptions, 'connectionString'> & { tag: string },
): Promise<DatabaseBeforeMigration> {
  const connectionString = await createTestDatabase(t)
  const dir = mkdtempSync(join(tmpdir(), 'sb-migrations-'))
  try {
    cpSync(opts.migrationsFolder, dir, { recursive: true })
    const journalPath = join(dir, 'meta', '_journal.json')
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] }
    const end = journal.entries.findIndex((e) => e.tag === opts.tag)
    if (end < 0) throw new Error(`no migration tagged ${opts.tag} in ${opts.migrationsFolder}`)
    journal.entries = journal.entries.slice(0, end + 1)
    writeFileSync(journalPath, JSON.stringify(journal))
    await runMigrations({ connectionString, schema: opts.schema, migrationsFolder: dir })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const sql = postgres(connectionString, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end({ timeout: 5 }))
  return {
    connectionString,
    sql,
    migrate: () =>
      runMigrations({ connectionString, schema: opts.schema, migrationsFolder: opts.migrationsFolder }),
  }
}
