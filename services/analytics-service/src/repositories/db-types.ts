import postgres from 'postgres'

/** The pool or a transaction: anything that runs a tagged-template query. */
export type Queryable = postgres.ISql

/** A connection row as the sync and routes need it. Times are Date (timestamptz). */
export interface TrackedConnection {
  id: string
  tenantId: string
  provider: string
  openId: string | null
  scopes: string[]
  status: 'active' | 'stale'
  staleReason: string | null
  nextSyncAt: Date | null
  fullSyncRequested: boolean
  manualSyncAt: Date | null
  lastSyncedAt: Date | null
  videosListedAt: Date | null
}

/** Columns selected into {@link TrackedConnection}. */
export const CONNECTION_COLUMNS = `id, tenant_id as "tenantId", provider, open_id as "openId", scopes, status,
  stale_reason as "staleReason", next_sync_at as "nextSyncAt", full_sync_requested as "fullSyncRequested",
  manual_sync_at as "manualSyncAt", last_synced_at as "lastSyncedAt", videos_listed_at as "videosListedAt"`

/**
 * A row for an insert through `sql(rows)`: `row`'s camelCase keys as snake_case column names
 * (postgres.js `fromCamel`: `tenantId` → `tenant_id`, `videoCount` → `video_count`), values as they are.
 */
export function toColumns(row: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [postgres.fromCamel(key), value]))
}
