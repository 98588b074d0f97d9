import { randomUUID } from 'node:crypto'
import type { Sql } from 'postgres'
import { CONNECTION_COLUMNS, type Queryable, type TrackedConnection } from './db-types.js'

/** An account leased for one sync: the lease token proves ownership on every later write. */
export interface LeasedConnection extends TrackedConnection {
  /** New per lease; renewing the lease and storing the result need it. */
  leaseToken: string
  /** Consecutive failed syncs (the retry delay doubles with each). */
  syncFailures: number
  /** Where an interrupted video list import resumes (Unix ms, docs/tiktok-api.md §2.3); null = from now. */
  videosListCursor: number | null
}

/** Input of {@link SyncLeases.finish}. Times are the app clock. */
export interface FinishSyncInput {
  id: string
  leaseToken: string
  startedAt: Date
  syncedAt: Date | null
  nextSyncAt: Date | null
  /** Set when a video list import completed: clears the saved cursor. */
  listedAt?: Date | undefined
  /** A partial sync keeps an on-demand full sync pending. */
  keepFullSync?: boolean
}

/**
 * The scheduler's lease on an account (`analytics.connections.lease_until` / `lease_owner`,
 * database clock). A lease is taken for `leaseMs`, renewed by its holder while the sync runs,
 * and every write of the sync's outcome is conditional on the lease token, so a replica whose
 * lease expired and was taken over by another cannot store a second result.
 */
export interface SyncLeases {
  /**
   * Leases up to `limit` due active accounts for `leaseMs` (FOR UPDATE SKIP LOCKED: replicas
   * never lease the same account), each with a new token. `now` is the app clock.
   */
  leaseDue(now: Date, limit: number, leaseMs: number): Promise<LeasedConnection[]>
  /**
   * Extends the lease to `leaseMs` from now (database clock) if `leaseToken` still holds it.
   * @returns false when the lease was lost (it expired and another replica took the account).
   */
  renew(id: string, leaseToken: string, leaseMs: number): Promise<boolean>
  /** Saves where the video list import resumes (`cursor`, Unix ms), if the lease still holds. */
  saveListCursor(q: Queryable, id: string, leaseToken: string, cursor: number): Promise<void>
  /**
   * Ends the lease after a sync (in the caller's transaction). A manual request that arrived
   * meanwhile keeps the account due.
   * @returns false when `leaseToken` no longer holds the lease: nothing was written.
   */
  finish(q: Queryable, input: FinishSyncInput): Promise<boolean>
  /** Ends the lease after a failure; the account is retried at `retryAt`. False when the lease was lost. */
  fail(input: { id: string; leaseToken: string; retryAt: Date; error: string }): Promise<boolean>
}

/** Creates the lease repository on the pool `sql`. */
export function createSyncLeases({ sql }: { sql: Sql }): SyncLeases {
  const cols = sql.unsafe(CONNECTION_COLUMNS)
  const secs = (ms: number) => ms / 1000
  return {
    async leaseDue(now, limit, leaseMs) {
      const token = randomUUID()
      const rows = await sql<
        (Omit<LeasedConnection, 'videosListCursor'> & { videosListCursor: string | null })[]
      >`
        update analytics.connections set lease_until = now() + make_interval(secs => ${secs(leaseMs)}),
          lease_owner = ${token}
        where id in (
          select id from analytics.connections
          -- TikTok's sync only: Instagram accounts are tracked for their comments (comment-sync.ts)
          where status = 'active' and provider = 'tiktok' and open_id is not null and next_sync_at <= ${now}
            and (lease_until is null or lease_until < now())
          order by next_sync_at
          limit ${limit}
          for update skip locked)
        returning ${cols}, lease_owner as "leaseToken", sync_failures as "syncFailures",
          videos_list_cursor as "videosListCursor"`
      // int8 comes back as a string; a ms timestamp fits a double exactly
      return rows.map((r) => ({
        ...r,
        videosListCursor: r.videosListCursor === null ? null : Number(r.videosListCursor),
      }))
    },

    async renew(id, leaseToken, leaseMs) {
      const rows = await sql`
        update analytics.connections set lease_until = now() + make_interval(secs => ${secs(leaseMs)})
        where id = ${id} and lease_owner = ${leaseToken}
        returning 1`
      return rows.length === 1
    },

    async saveListCursor(q, id, leaseToken, cursor) {
      await q`
        update analytics.connections set videos_list_cursor = ${cursor}
        where id = ${id} and lease_owner = ${leaseToken}`
    },

    async finish(q, f) {
      const rows = await q`
        update analytics.connections set
          lease_until = null,
          lease_owner = null,
          sync_failures = 0,
          last_error = null,
          last_synced_at = coalesce(${f.syncedAt}, last_synced_at),
          videos_listed_at = coalesce(${f.listedAt ?? null}::timestamptz, videos_listed_at),
          videos_list_cursor = case when ${f.listedAt ?? null}::timestamptz is null then videos_list_cursor end,
          full_sync_requested = full_sync_requested and (${f.keepFullSync ?? false} or coalesce(manual_sync_at > ${f.startedAt}, false)),
          next_sync_at = case when status <> 'active' then next_sync_at
                              when manual_sync_at > ${f.startedAt} then least(${f.nextSyncAt}, manual_sync_at)
                              else ${f.nextSyncAt}::timestamptz end
        where id = ${f.id} and lease_owner = ${f.leaseToken}
        returning 1`
      return rows.length === 1
    },

    async fail(f) {
      const rows = await sql`
        update analytics.connections set lease_until = null, lease_owner = null,
          sync_failures = sync_failures + 1, last_error = ${f.error.slice(0, 500)},
          next_sync_at = case when status = 'active' then ${f.retryAt}::timestamptz end
        where id = ${f.id} and lease_owner = ${f.leaseToken}
        returning 1`
      return rows.length === 1
    },
  }
}
