import type { Database } from '@social-bridge/service-kit'
import { and, eq } from 'drizzle-orm'
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core'

/** A table whose rows belong to a tenant: an `id` and a `tenant_id` column. */
type TenantTable = PgTable & { id: AnyPgColumn; tenantId: AnyPgColumn }

/**
 * Reads the row `id` of `table` if it belongs to tenant `tenantId`; null otherwise — another
 * tenant's id answers as if the row did not exist (the routes turn that into a 404).
 */
export async function findTenantRow<T extends TenantTable>(
  db: Database,
  table: T,
  tenantId: string,
  id: string,
): Promise<T['$inferSelect'] | null> {
  const rows = await db
    .select()
    .from(table as PgTable)
    .where(and(eq(table.tenantId, tenantId), eq(table.id, id)))
  return (rows[0] as T['$inferSelect'] | undefined) ?? null
}
