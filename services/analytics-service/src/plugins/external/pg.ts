import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Sql } from 'postgres'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The service's one PostgreSQL pool: service-kit's `app.sql` (dbPlugin, registered with
     * `rawDates: 'date'`), under the name the repositories, workers and tests use. postgres.js's
     * own type handling: `Date` binds as timestamptz and timestamptz columns read as `Date`;
     * int8 reads as a string.
     */
    pg: Sql
  }
}

/**
 * Decorates `app.pg` with the kit's pool; opens no pool of its own (the kit ends it on close).
 * @throws at registration when dbPlugin was not registered first.
 */
export const pgPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('pg', app.sql)
  },
  { name: 'analytics-pg', fastify: '5.x', dependencies: ['sb-db'] },
)
