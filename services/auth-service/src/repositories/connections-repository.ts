import type { Database } from '@social-bridge/service-kit'
import { and, asc, desc, eq, gt, type SQL, sql } from 'drizzle-orm'
import { type ConnectionRow, connections } from '../db/schema.js'
import type { DbOrTx } from '../db/types.js'

/** Reads of `auth.connections`; writes live with the services that own each transition. */
export interface ConnectionsRepository {
  findById(id: string, db?: DbOrTx): Promise<ConnectionRow | undefined>
  /** The row only when it belongs to `tenantId` (another tenant's id reads as absent → 404). */
  findForTenant(tenantId: string, id: string): Promise<ConnectionRow | undefined>
  /** Every connection of a tenant (of `provider` when given), newest first. */
  listForTenant(tenantId: string, provider?: string): Promise<ConnectionRow[]>
  /** Keyset page by id (`cursor` = last id seen), optionally filtered by status. */
  listPage(opts: { status?: string; limit: number; cursor?: string }): Promise<ConnectionRow[]>
  /** Row locked `FOR UPDATE` in `tx` (one refresh at a time across replicas). */
  lockById(tx: DbOrTx, id: string): Promise<ConnectionRow | undefined>
}

/** The one connection matching `where` (ids are unique), read through `via`; `lock`: `FOR UPDATE`. */
async function one(via: DbOrTx, where: SQL, lock = false): Promise<ConnectionRow | undefined> {
  const query = via.select().from(connections).where(where).limit(1)
  const [row] = await (lock ? query.for('update') : query)
  return row
}

/** Builds the repository over drizzle. */
export function createConnectionsRepository({ db }: { db: Database }): ConnectionsRepository {
  // the token hand-out's read, built once (a prepared query; bench/auth-access-token.ts)
  const byId = db
    .select()
    .from(connections)
    .where(eq(connections.id, sql.placeholder('id')))
    .limit(1)
    .prepare('auth_connection_by_id')
  return {
    findById: async (id, via = db) =>
      via === db ? (await byId.execute({ id }))[0] : one(via, eq(connections.id, id)),
    findForTenant: (tenantId, id) =>
      one(db, and(eq(connections.id, id), eq(connections.tenantId, tenantId))!),
    listForTenant(tenantId, provider) {
      const ofProvider = provider ? eq(connections.provider, provider) : undefined
      return db
        .select()
        .from(connections)
        .where(and(eq(connections.tenantId, tenantId), ofProvider))
        .orderBy(desc(connections.createdAt), asc(connections.id))
    },
    listPage({ status, limit, cursor }) {
      const conds = [
        status ? eq(connections.status, status) : undefined,
        cursor ? gt(connections.id, cursor) : undefined,
      ].filter((c) => c !== undefined)
      return db
        .select()
        .from(connections)
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(asc(connections.id))
        .limit(limit)
    },
    lockById: (tx, id) => one(tx, eq(connections.id, id), true),
  }
}
