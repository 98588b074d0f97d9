import { AuthClientError } from '@social-bridge/auth-client'
import type { Outbox } from '@social-bridge/service-kit'
import type { Sql } from 'postgres'
import type { ConnectionsRepository } from '../../repositories/connections-repository.js'
import type { SnapshotsRepository } from '../../repositories/snapshots-repository.js'
import type { LeasedConnection, SyncLeases } from '../../repositories/sync-leases.js'
import type { VideosRepository } from '../../repositories/videos-repository.js'
import type { Cadence } from '../cadence.js'
import type { SyncAdapter } from './adapter.js'
import { SyncLeaseLostError, startLeaseHeartbeat } from './lease-heartbeat.js'
import { storeResult } from './store-result.js'

/** Result of syncing one account. Counts are the provider's API calls; times are the app clock. */
export type SyncOutcome =
  | {
      kind: 'synced'
      measuredAt: Date
      videos: number
      apiCalls: number
      listCalls: number
      snapshots: number
    }
  | { kind: 'partial'; measuredAt: Date; videos: number; snapshots: number; retryAt: Date; reason: string }
  | { kind: 'stale'; reason: string }
  | { kind: 'failed'; retryAt: Date; error: string }
  /** Another replica took the account over (this one's lease expired): nothing was stored. */
  | { kind: 'lease_lost' }

/** Dependencies and settings of {@link createSyncService}; durations in ms. */
export interface SyncServiceDeps {
  sql: Sql
  /** One per synced provider, by contracts `Provider` (`providers.ts`). */
  adapters: ReadonlyMap<string, SyncAdapter>
  connections: ConnectionsRepository
  leases: SyncLeases
  videos: VideosRepository
  snapshots: SnapshotsRepository
  outbox: Outbox
  cadence: Cadence
  /** The app clock (cadence, due times, measured_at). */
  clock: () => Date
  /** The scheduler's lease length; the sync renews it every third of it. */
  leaseMs: number
  accountSyncIntervalMs: number
  retryMs: number
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

/** Syncs accounts of every provider with an adapter: measures them, appends snapshots, emits `social.metrics.synced`. */
export interface SyncService {
  /**
   * Syncs one leased account and ends its sync lease: its provider's adapter measures it
   * (TikTok: docs/tiktok-api.md §2.2–2.4; Instagram: docs/instagram-api.md "Insights"); then, in
   * one transaction, the snapshots are appended, each video is rescheduled by its age (cadence)
   * and the account too, and `social.metrics.synced` is queued, published after the commit. The
   * lease is renewed while the sync runs; if it is lost (another replica took the account) the
   * sync stops, stores nothing and returns `lease_lost`. An access token refused for the account
   * marks it stale; a rate limit stores what was measured and retries when the adapter says
   * (`partial`, or `failed` when nothing was measured); other failures retry after `retryMs`
   * (doubling per consecutive failure, up to 64×), never before auth-service's Retry-After. An
   * account of a provider without an adapter is marked stale (`provider_not_synced`).
   * Never throws for provider or auth-service failures.
   */
  syncConnection(conn: LeasedConnection): Promise<SyncOutcome>
}

export function createSyncService(deps: SyncServiceDeps): SyncService {
  async function fail(conn: LeasedConnection, err: unknown): Promise<SyncOutcome> {
    if (err instanceof SyncLeaseLostError) throw err
    if (err instanceof AuthClientError && !err.retryable) {
      const reason = err.code.toLowerCase()
      await deps.connections.markStale(deps.sql, { id: conn.id, tenantId: conn.tenantId, reason })
      return { kind: 'stale', reason }
    }
    const limitedMs = deps.adapters.get(conn.provider)?.rateLimitDelayMs(err) ?? null
    const backoff = limitedMs ?? deps.retryMs * 2 ** Math.min(conn.syncFailures, 6)
    const delay = Math.max(backoff, err instanceof AuthClientError ? (err.retryAfterMs ?? 0) : 0)
    const retryAt = new Date(deps.clock().getTime() + delay)
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    deps.log?.warn({ connectionId: conn.id, err }, 'sync failed; will retry')
    if (!(await deps.leases.fail({ id: conn.id, leaseToken: conn.leaseToken, retryAt, error })))
      throw new SyncLeaseLostError(conn.id, { cause: err })
    return { kind: 'failed', retryAt, error }
  }

  async function run(conn: LeasedConnection, signal: AbortSignal): Promise<SyncOutcome> {
    const adapter = deps.adapters.get(conn.provider)
    if (!adapter) {
      const reason = 'provider_not_synced'
      await deps.connections.markStale(deps.sql, { id: conn.id, tenantId: conn.tenantId, reason })
      return { kind: 'stale', reason }
    }
    const startedAt = deps.clock()
    const m = await adapter.measure(conn, { startedAt, signal })
    const stored = await storeResult(deps, conn, { startedAt, m })
    if (m.stoppedBy) {
      return {
        kind: 'partial',
        measuredAt: m.measuredAt,
        videos: m.returned.length,
        snapshots: stored.snapshots,
        retryAt: m.stoppedBy.retryAt,
        reason: m.stoppedBy.error.message,
      }
    }
    await deps.outbox.flush() // a failed publish is logged there and retried by the relay
    return {
      kind: 'synced',
      measuredAt: m.measuredAt,
      videos: m.returned.length,
      apiCalls: m.apiCalls,
      listCalls: m.listCalls,
      snapshots: stored.snapshots,
    }
  }

  return {
    async syncConnection(conn) {
      const heartbeat = startLeaseHeartbeat({
        leases: deps.leases,
        connectionId: conn.id,
        leaseToken: conn.leaseToken,
        leaseMs: deps.leaseMs,
        log: deps.log,
      })
      try {
        return await run(conn, heartbeat.signal).catch((err: unknown) => fail(conn, err))
      } catch (err) {
        if (!(err instanceof SyncLeaseLostError)) throw err
        deps.log?.warn({ connectionId: conn.id }, 'sync lease lost to another replica; sync stopped')
        return { kind: 'lease_lost' }
      } finally {
        heartbeat.stop()
      }
    },
  }
}
