import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import postgres, { type Sql } from 'postgres'
import { runMigrations } from '../db/migrate.js'

/** Options of `dbPlugin`. */
export interface DbPluginOptions {
  connectionString: string
  /** The service's schema; migrations are applied to it at start. */
  schema: string
  /** drizzle-kit output folder; omit to skip migrations (e.g. the gateway has none). */
  migrationsFolder?: string
  /** Pool size (connections). Default 10. */
  poolSize?: number
}

/** A drizzle database on postgres.js; services narrow the schema type in their repositories. */
export type Database = PostgresJsDatabase<Record<string, never>>

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
    /**
     * The postgres.js client under `db`. drizzle makes it pass date/time values through as
     * strings (both ways), so raw queries must bind ISO strings, not `Date` objects; a service
     * that wants `Date` binding in raw SQL opens its own client (analytics-service `app.pg`).
     */
    sql: Sql
  }
}

/**
 * Opens the pool, applies the service's migrations (safe with concurrent replicas, see
 * `runMigrations`), decorates `app.db` (drizzle) and `app.sql` (postgres.js), adds the
 * `postgres` readiness check, and ends the pool on close after in-flight queries finish.
 */
export const dbPlugin = fp(
  async (app: FastifyInstance, opts: DbPluginOptions) => {
    if (opts.migrationsFolder) {
      await runMigrations({
        connectionString: opts.connectionString,
        schema: opts.schema,
        migrationsFolder: opts.migrationsFolder,
      })
    }
    const sql = postgres(opts.connectionString, {
      max: opts.poolSize ?? 10,
      onnotice: () => {},
      connect_timeout: 5,
    })
    app.decorate('sql', sql)
    app.decorate('db', drizzle(sql) as Database)
    app.readiness.add('postgres', async () => {
      await sql`select 1`
    })
    app.addHook('onClose', async () => {
      await sql.end({ timeout: 5 })
    })
  },
  { name: 'sb-db', fastify: '5.x', dependencies: ['sb-health'] },
)
