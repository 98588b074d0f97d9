import { type AuthClient, AuthClientError } from '@social-bridge/auth-client'
import type { Outbox } from '@social-bridge/service-kit'
import type { DisplayApi } from '@social-bridge/tiktok-client'
import type { Sql } from 'postgres'
import type { ConnectionsRepository } from '../../repositories/connections-repository.js'
import type { SnapshotsRepository } from '../../repositories/snapshots-repository.js'
import type { LeasedConnection, SyncLeases } from '../../repositories/sync-leases.js'
import type { VideosRepository } from '../../repositories/videos-repository.js'
import type { Cadence } from '../cadence.js'
import { type BudgetEndpoint, type RateBudget, RateBudgetExhaustedError } from '../rate-budget.js'
import { importVideos } from './import-videos.js'
import { SyncLeaseLostError, startLeaseHeartbeat } from './lease-heartbeat.js'
import { measure } from './measure.js'
import { storeResult } from './store-result.js'
import { type CallOutcome, openTokenSession, TikTokRateLimitedError } from './token-session.js'

/** Result of syncing one account. Counts are TikTok calls; times are the app clock. */
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
  display: DisplayApi
  authClient: AuthClient
  budget: RateBudget
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
  videoRelistIntervalMs: number
  retryMs: number
  rateLimitBackoffMs: number
  onCall?: (endpoint: BudgetEndpoint, outcome: CallOutcome) => void
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

/** Syncs accounts: imports their videos, measures them, appends snapshots, emits `social.metrics.synced`. */
export interface SyncService {
  /**
   * Syncs one leased account (docs/tiktok-api.md §2.2–2.4) and ends its sync lease: get an access token; import
   * videos with video list when never imported, last listed `videoRelistIntervalMs` ago, or an
   * import was interrupted (it resumes at the saved cursor); query the due videos in batches of
   * ≤ 20; read user info stats once; then, in one transaction, append the snapshots, reschedule
   * each video by its age (cadence) and the account, and queue `social.metrics.synced`,
   * published after the commit. The lease is renewed while the sync runs; if it is lost (another
   * replica took the account) the sync stops, stores nothing and returns `lease_lost`. An access
   * token refused for the account marks it stale; a 429 stores what was measured and retries after
   * the backoff; other failures retry after `retryMs` (doubling per consecutive failure, up to 64×),
   * never before auth-service's Retry-After.
   * Never throws for TikTok or auth-service failures.
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
    const limited = err instanceof TikTokRateLimitedError || err instanceof RateBudgetExhaustedError
    const backoff = limited ? deps.rateLimitBackoffMs : deps.retryMs * 2 ** Math.min(conn.syncFailures, 6)
    const delay = Math.max(backoff, err instanceof AuthClientError ? (err.retryAfterMs ?? 0) : 0)
    const retryAt = new Date(deps.clock().getTime() + delay)
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    deps.log?.warn({ connectionId: conn.id, err }, 'sync failed; will retry')
    if (!(await deps.leases.fail({ id: conn.id, leaseToken: conn.leaseToken, retryAt, error })))
      throw new SyncLeaseLostError(conn.id, { cause: err })
    return { kind: 'failed', retryAt, error }
  }

  async function run(conn: LeasedConnection, signal: AbortSignal): Promise<SyncOutcome> {
    const startedAt = deps.clock()
    const session = await openTokenSession({
      ...deps,
      connectionId: conn.id,
      tenantId: conn.tenantId,
      signal,
    })
    let listedAt: Date | undefined
    const relistDue =
      !conn.videosListedAt ||
      startedAt.getTime() - conn.videosListedAt.getTime() >= deps.videoRelistIntervalMs
    if (relistDue || conn.videosListCursor !== null) {
      const imported = await importVideos({
        q: deps.sql,
        display: deps.display,
        session,
        videos: deps.videos,
        owner: { connectionId: conn.id, tenantId: conn.tenantId, provider: conn.provider },
        now: startedAt,
        untilKnown: conn.videosListedAt !== null,
        startCursor: conn.videosListCursor,
        saveCursor: (cursor) => deps.leases.saveListCursor(deps.sql, conn.id, conn.leaseToken, cursor),
      })
      if (imported.complete) listedAt = startedAt
    }
    const measuredAt = deps.clock()
    const m = await measure(deps, conn, session, measuredAt)
    const apiCalls = session.calls['video.query'] + session.calls['user.info']
    const stored = await storeResult(deps, conn, { startedAt, measuredAt, m, listedAt, apiCalls })
    if (!stored.complete) {
      return {
        kind: 'partial',
        measuredAt,
        videos: m.returned.length,
        snapshots: stored.snapshots,
        retryAt: stored.retryAt,
        reason: m.stoppedBy?.message ?? 'rate limited',
      }
    }
    await deps.outbox.flush() // a failed publish is logged there and retried by the relay
    return {
      kind: 'synced',
      measuredAt,
      videos: m.returned.length,
      apiCalls,
      listCalls: session.calls['video.list'],
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
