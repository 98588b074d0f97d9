import type { Database } from '@social-bridge/service-kit'
import { and, eq, sql } from 'drizzle-orm'
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core'

/** A table whose rows belong to a tenant: an `id` and a `tenant_id` column. */
type TenantTable = PgTable & { id: AnyPgColumn; tenantId: AnyPgColumn }

/**
 * A reader of the row `id` of `table` if it belongs to tenant `tenantId`; null otherwise — another
 * tenant's id answers as if the row did not exist (the routes turn that into a 404). The query is
 * built once, as a named prepared statement (`name`, unique per query), so a read pays no query
 * building (the read path, bench/read-path.ts).
 */
export function tenantRowReader<T extends TenantTable>(
  db: Database,
  table: T,
  name: string,
): (tenantId: string, id: string) => Promise<T['$inferSelect'] | null> {
  const query = db
    .select()
    .from(table as PgTable)
    .where(and(eq(table.tenantId, sql.placeholder('tenantId')), eq(table.id, sql.placeholder('id'))))
    .prepare(name)
  return async (tenantId, id) => {
    const rows = await query.execute({ tenantId, id })
    return (rows[0] as T['$inferSelect'] | undefined) ?? null
  }
}
