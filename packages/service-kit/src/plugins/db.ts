import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import postgres, { type Sql } from 'postgres'
import { instrumentPool } from '../db/instrument.js'
import { runMigrations } from '../db/migrate.js'
import type {} from './metrics.js'

/** Options of `dbPlugin`. */
export interface DbPluginOptions {
  connectionString: string
  /** The service's schema; migrations are applied to it at start. */
  schema: string
  /** drizzle-kit output folder; omit to skip migrations (e.g. the gateway has none). */
  migrationsFolder?: string
  /** Pool size (connections). Default 10. */
  poolSize?: number
  /**
   * How raw queries on `app.sql` carry date/time values.
   * - `'string'` (default): drizzle's setting — they bind and come back as strings (ISO / PostgreSQL
   *   text), never as `Date`.
   * - `'date'`: postgres.js's own — a `Date` binds as `timestamptz`, and `timestamptz`,
   *   `timestamp` and `date` columns come back as `Date`. For a service whose repositories are raw
   *   SQL over `Date` (analytics-service). drizzle's `timestamp`/`date` columns in `mode: 'date'`
   *   read and write the same either way, so `app.db` stays usable; a `mode: 'string'` timestamp
   *   without time zone would be read through the process's time zone, so do not mix those in.
   */
  rawDates?: 'string' | 'date'
}

/** A drizzle database on postgres.js; services narrow the schema type in their repositories. */
export type Database = PostgresJsDatabase<Record<string, never>>

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
    /**
     * The postgres.js client under `db` (the same pool). By default drizzle makes it pass
     * date/time values through as strings (both ways), so raw queries bind ISO strings, not `Date`
     * objects; `rawDates: 'date'` keeps postgres.js's `Date` handling instead.
     */
    sql: Sql
  }
}

/** PostgreSQL type oids of json and jsonb: drizzle serializes those columns itself. */
const JSON_OIDS = new Set([114, 3802])

/**
 * Undoes what `drizzle(sql)` changed in the client's type handling (it replaces the date/time
 * parsers and serializers with pass-through ones), back to `saved` — postgres.js's defaults —
 * except json/jsonb serializers, which stay pass-through because drizzle's json columns
 * stringify their values before binding.
 */
function restoreDateHandling(sql: Sql, saved: { parsers: TypeHandlers; serializers: TypeHandlers }) {
  const restore = (current: TypeHandlers, before: TypeHandlers, keep: Set<number>) => {
    for (const oid of new Set([...Object.keys(current), ...Object.keys(before)].map(Number))) {
      if (keep.has(oid) || current[oid] === before[oid]) continue
      if (oid in before) current[oid] = before[oid]
      else delete current[oid]
    }
  }
  restore(sql.options.parsers, saved.parsers, new Set())
  restore(sql.options.serializers, saved.serializers, JSON_OIDS)
}

/** A postgres.js parser or serializer table, by type oid. */
type TypeHandlers = Record<number, unknown>

/**
 * Opens the pool, applies the service's migrations (safe with concurrent replicas, see
 * `runMigrations`), decorates `app.db` (drizzle) and `app.sql` (postgres.js), adds the
 * `postgres` readiness check, instruments the pool (`instrumentPool`: query spans inside a trace,
 * the pool gauges on `app.metrics` when the metrics plugin is registered), and ends the pool on close after in-flight queries finish.
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
    instrumentPool(sql, { registry: app.hasDecorator('metrics') ? app.metrics : undefined })
    const driverTypes = { parsers: { ...sql.options.parsers }, serializers: { ...sql.options.serializers } }
    const db = drizzle(sql) as Database
    if (opts.rawDates === 'date') restoreDateHandling(sql, driverTypes)
    app.decorate('sql', sql)
    app.decorate('db', db)
    app.readiness.add('postgres', async () => {
      await sql`select 1`
    })
    app.addHook('onClose', async () => {
      await sql.end({ timeout: 5 })
    })
  },
  { name: 'sb-db', fastify: '5.x', dependencies: ['sb-health'] },
)
