import { captureTraceContext } from '@social-bridge/service-kit'
import type { Sql } from 'postgres'
import { CONNECTION_COLUMNS, type Queryable, type TrackedConnection, toColumns } from './db-types.js'

/** Input of {@link ConnectionsRepository.trackConnected}. `occurredAt`: the event's time (real clock). */
export interface ConnectedInput {
  id: string
  tenantId: string
  provider: string
  openId: string
  scopes: string[]
  occurredAt: Date
  /** App clock: the account becomes due now. */
  now: Date
}

/** Outcome of an on-demand sync request. */
export type ManualSyncOutcome =
  | { kind: 'accepted'; queuedAt: Date }
  | { kind: 'too_frequent'; retryAfterSec: number }
  | { kind: 'stale'; reason: string }
  | { kind: 'not_found' }

/**
 * The accounts analytics-service tracks (`analytics.connections`). Status changes carry the
 * time they happened (`status_at`, real clock) and an older change never overrides a newer one,
 * so connection events may arrive in any order. The scheduler's lease is in `sync-leases.ts`.
 */
export interface ConnectionsRepository {
  /**
   * `social.connection.connected`: active and due now, unless a newer event made it stale; the
   * active trace is kept for that sync (`sync_trace_context`).
   */
  trackConnected(q: Queryable, input: ConnectedInput): Promise<void>
  /** `reauth_required` / `disconnected` (or an access token refused): stale, unless a newer event reactivated it. */
  markStale(
    q: Queryable,
    input: { id: string; tenantId: string; reason: string; occurredAt?: Date },
  ): Promise<void>
  /** Catch-up: tracks listed active connections we do not know (status as of `listedAt`). */
  trackListed(
    input: { id: string; tenantId: string; provider: string; openId: string; scopes: string[] }[],
    listedAt: Date,
    now: Date,
  ): Promise<number>
  /** Active connections with this `open_id` (webhooks name the account by it). */
  findByOpenId(q: Queryable, provider: string, openId: string): Promise<TrackedConnection[]>
  /** The connection, only if it belongs to `tenantId`. */
  findForTenant(id: string, tenantId: string): Promise<TrackedConnection | null>
  /** Makes an active account due at `now` (keeps an earlier due time). */
  makeDue(q: Queryable, id: string, now: Date): Promise<void>
  /** On-demand sync, at most once per `minIntervalMs` per account across replicas (atomic). */
  requestManualSync(input: {
    id: string
    tenantId: string
    now: Date
    minIntervalMs: number
  }): Promise<ManualSyncOutcome>
}

/** Creates the repository on the pool `sql` (transactional calls take a `Queryable`). */
export function createConnectionsRepository({ sql }: { sql: Sql }): ConnectionsRepository {
  const cols = sql.unsafe(CONNECTION_COLUMNS)
  return {
    async trackConnected(q, c) {
      const traceContext = captureTraceContext()
      await q`
        insert into analytics.connections
          (id, tenant_id, provider, open_id, scopes, status, status_at, next_sync_at, sync_trace_context)
        values (${c.id}, ${c.tenantId}, ${c.provider}, ${c.openId}, ${c.scopes}, 'active', ${c.occurredAt}, ${c.now},
          ${traceContext && JSON.stringify(traceContext)}::text::jsonb)
        on conflict (id) do update set
          open_id = excluded.open_id,
          scopes = excluded.scopes,
          status = case when excluded.status_at >= connections.status_at then 'active' else connections.status end,
          stale_reason = case when excluded.status_at >= connections.status_at then null else connections.stale_reason end,
          sync_failures = case when excluded.status_at >= connections.status_at then 0 else connections.sync_failures end,
          next_sync_at = case when excluded.status_at >= connections.status_at
            then least(coalesce(connections.next_sync_at, excluded.next_sync_at), excluded.next_sync_at)
            else connections.next_sync_at end,
          sync_trace_context = case when excluded.status_at >= connections.status_at
            then excluded.sync_trace_context else connections.sync_trace_context end,
          status_at = greatest(connections.status_at, excluded.status_at)`
    },

    async markStale(q, s) {
      const at = s.occurredAt ?? null
      await q`
        insert into analytics.connections (id, tenant_id, status, stale_reason, status_at)
        values (${s.id}, ${s.tenantId}, 'stale', ${s.reason}, coalesce(${at}::timestamptz, now()))
        on conflict (id) do update set
          status = 'stale', stale_reason = excluded.stale_reason, status_at = excluded.status_at,
          next_sync_at = null, full_sync_requested = false
        where excluded.status_at >= connections.status_at`
    },

    async trackListed(items, listedAt, now) {
      if (items.length === 0) return 0
      const rows = items.map(({ id, tenantId, provider, openId, scopes }) =>
        toColumns({
          id,
          tenantId,
          provider,
          openId,
          scopes,
          status: 'active',
          statusAt: listedAt,
          nextSyncAt: now,
        }),
      )
      const inserted = await sql`
        insert into analytics.connections ${sql(rows)}
        on conflict (id) do update set open_id = excluded.open_id, scopes = excluded.scopes
        where connections.open_id is null
        returning id`
      return inserted.length
    },

    async findByOpenId(q, provider, openId) {
      return q<TrackedConnection[]>`
        select ${cols} from analytics.connections
        where provider = ${provider} and open_id = ${openId} and status = 'active'`
    },

    async findForTenant(id, tenantId) {
      const [row] = await sql<TrackedConnection[]>`
        select ${cols} from analytics.connections where id = ${id} and tenant_id = ${tenantId}`
      return row ?? null
    },

    async makeDue(q, id, now) {
      await q`
        update analytics.connections set next_sync_at = least(coalesce(next_sync_at, ${now}), ${now})
        where id = ${id} and status = 'active'`
    },

    async requestManualSync({ id, tenantId, now, minIntervalMs }) {
      const [row] = await sql<
        { accepted: boolean; status: string; staleReason: string | null; manualSyncAt: Date | null }[]
      >`
        with target as (
          select id, status, stale_reason, manual_sync_at from analytics.connections
          where id = ${id} and tenant_id = ${tenantId} for update),
        accepted as (
          update analytics.connections c set manual_sync_at = ${now}, full_sync_requested = true,
            next_sync_at = ${now}
          from target
          where c.id = target.id and target.status = 'active'
            and (target.manual_sync_at is null
                 or target.manual_sync_at <= ${now}::timestamptz - make_interval(secs => ${minIntervalMs / 1000}))
          returning c.id)
        select (select count(*) from accepted) > 0 as accepted, status, stale_reason as "staleReason",
          manual_sync_at as "manualSyncAt"
        from target`
      if (!row) return { kind: 'not_found' }
      if (row.accepted) return { kind: 'accepted', queuedAt: now }
      if (row.status !== 'active') return { kind: 'stale', reason: row.staleReason ?? 'inactive' }
      const readyAt = (row.manualSyncAt?.getTime() ?? 0) + minIntervalMs
      return { kind: 'too_frequent', retryAfterSec: Math.max(1, Math.ceil((readyAt - now.getTime()) / 1000)) }
    },
  }
}
