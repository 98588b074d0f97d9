import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'

/** Options of `runMigrations`. */
export interface MigrateOptions {
  /** PostgreSQL URL. */
  connectionString: string
  /** The service's own schema (`auth`, `publish`, …); its journal is `drizzle.__migrations_<schema>`. */
  schema: string
  /** Folder of drizzle-kit's committed migrations (`drizzle/` with `meta/_journal.json`). */
  migrationsFolder: string
}

/**
 * Applies a service's committed drizzle-kit migrations (which create its schema), once, even
 * when several replicas start at the same moment: the whole run holds one session-level
 * advisory lock on a dedicated connection, so a second starter waits, then finds every
 * migration recorded in `drizzle.__migrations_<schema>` and applies nothing. The lock is shared
 * by all services because they share the `drizzle` journal schema.
 *
 * @throws the database error of a failing migration (each migration runs in a transaction).
 */
export async function runMigrations(opts: MigrateOptions): Promise<void> {
  const sql = postgres(opts.connectionString, { max: 1, onnotice: () => {} })
  try {
    await sql`select pg_advisory_lock(hashtext('social-bridge:migrations'))`
    await migrate(drizzle(sql), {
      migrationsFolder: opts.migrationsFolder,
      migrationsSchema: 'drizzle',
      migrationsTable: `__migrations_${opts.schema}`,
    })
  } finally {
    await sql.end({ timeout: 5 })
  }
}
