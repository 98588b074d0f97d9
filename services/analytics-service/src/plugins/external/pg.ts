import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import postgres, { type Sql } from 'postgres'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * postgres.js pool with its default type handling (timestamptz ⇄ Date, int8 as string). The
     * kit's `app.sql` cannot serve raw queries with Date values: `drizzle(sql)` replaces that
     * client's timestamp serializers and parsers with pass-through ones.
     */
    pg: Sql
  }
}

/** Opens the pool the repositories use (`poolSize` connections) and ends it on close. */
export const pgPlugin = fp(
  async (app: FastifyInstance, opts: { connectionString: string; poolSize: number }) => {
    const sql = postgres(opts.connectionString, {
      max: opts.poolSize,
      onnotice: () => {},
      connect_timeout: 5,
    })
    app.decorate('pg', sql)
    app.addHook('onClose', async () => {
      await sql.end({ timeout: 5 })
    })
  },
  { name: 'analytics-pg', fastify: '5.x', dependencies: ['sb-db'] },
)
