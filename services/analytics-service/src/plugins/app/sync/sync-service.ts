import { Subjects } from '@social-bridge/contracts'
import type { EventBus } from '@social-bridge/service-kit'
import type { DisplayApi, UserInfo, Video, VideoField } from '@social-bridge/tiktok-client'
import type { Sql } from 'postgres'
import { type Cadence, nextVideoSyncAt } from '../../../domain/cadence.js'
import { type LeaseClient, LeaseError } from '../../external/lease-client.js'
import type { ConnectionsRepository } from '../connections-repository.js'
import type { TrackedConnection } from '../db-types.js'
import type { Outbox } from '../outbox.js'
import { type BudgetEndpoint, type RateBudget, RateBudgetExhaustedError } from '../rate-budget.js'
import type { SnapshotsRepository, VideoSnapshotRow } from '../snapshots-repository.js'
import type { VideoSyncResult, VideosRepository } from '../videos-repository.js'
import { importVideos } from './import-videos.js'
import { selectBatches } from './select-videos.js'
import {
  type CallOutcome,
  openTokenSession,
  TikTokRateLimitedError,
  type TokenSession,
} from './token-session.js'

/** Video query fields: identity, post time and the four counts (REFERENCE.md §2.5). */
const QUERY_FIELDS: readonly VideoField[] = [
  'id',
  'create_time',
  'title',
  'share_url',
  'view_count',
  'like_count',
  'comment_count',
  'share_count',
]
/** `user.info.stats` fields (REFERENCE.md §2.2). */
const STATS_FIELDS = ['follower_count', 'following_count', 'likes_count', 'video_count'] as const

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

/** Dependencies and settings of {@link createSyncService}; durations in ms. */
export interface SyncServiceDeps {
  sql: Sql
  display: DisplayApi
  authLeases: LeaseClient
  budget: RateBudget
  connections: ConnectionsRepository
  videos: VideosRepository
  snapshots: SnapshotsRepository
  outbox: Outbox
  bus: EventBus
  cadence: Cadence
  /** The app clock (cadence, due times, measured_at). */
  clock: () => Date
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
   * Syncs one leased account (REFERENCE.md §2.2–2.4) and ends its lease: lease a token; import
   * videos with video list when never imported or last listed `videoRelistIntervalMs` ago; query
   * the due videos in batches of ≤ 20; read user info stats once; then, in one transaction,
   * append the snapshots, reschedule each video by its age (cadence) and the account, and queue
   * `social.metrics.synced`, published after the commit. A refused lease marks the account
   * stale; a 429 stores what was measured and retries after the backoff; other failures retry
   * after `retryMs` (doubling per consecutive failure, up to 64×). Never throws for TikTok or
   * auth-service failures.
   */
  syncConnection(conn: TrackedConnection & { syncFailures?: number }): Promise<SyncOutcome>
}

const count = (n: number | undefined) => n ?? 0

export function createSyncService(deps: SyncServiceDeps): SyncService {
  const owner = (c: TrackedConnection) => ({ connectionId: c.id, tenantId: c.tenantId, provider: c.provider })

  async function measure(conn: TrackedConnection, session: TokenSession, now: Date) {
    const tracked = await deps.videos.trackedVideos(conn.id)
    const batches = selectBatches(tracked, now, conn.fullSyncRequested)
    const returned: Video[] = []
    const queried: typeof tracked = []
    let user: UserInfo | null = null
    let stoppedBy: Error | null = null
    try {
      // slots for every batch at once, in chunks so a large account never holds the whole window
      for (let i = 0; i < batches.length; i += 10) {
        await session.prepay('video.query', Math.min(10, batches.length - i))
        for (const batch of batches.slice(i, i + 10)) {
          const ids = batch.map((v) => v.videoId)
          returned.push(
            ...(await session.call('video.query', (t) => deps.display.queryVideos(t, ids, QUERY_FIELDS))),
          )
          queried.push(...batch)
        }
      }
      if (conn.scopes.includes('user.info.stats')) {
        user = await session.call('user.info', (t) => deps.display.getUserInfo(t, STATS_FIELDS))
      }
    } catch (err) {
      if (!(err instanceof TikTokRateLimitedError || err instanceof RateBudgetExhaustedError)) throw err
      stoppedBy = err
    }
    return { queried, returned, user, stoppedBy }
  }

  async function store(
    conn: TrackedConnection,
    startedAt: Date,
    measuredAt: Date,
    m: Awaited<ReturnType<typeof measure>>,
    listedAt: Date | undefined,
    apiCalls: number,
  ) {
    const byId = new Map(m.returned.filter((v) => v.id).map((v) => [v.id!, v]))
    const snapshots: VideoSnapshotRow[] = []
    const results: VideoSyncResult[] = m.queried.map((t) => {
      const v = byId.get(t.videoId)
      const createdAt = v?.createTime === undefined ? t.createdAt : new Date(v.createTime * 1000)
      if (v) {
        snapshots.push({
          ...owner(conn),
          videoId: t.videoId,
          measuredAt,
          views: count(v.viewCount),
          likes: count(v.likeCount),
          comments: count(v.commentCount),
          shares: count(v.shareCount),
        })
      }
      // a video TikTok did not return (deleted, made private) follows the cadence too, so it never hot-loops
      const next = nextVideoSyncAt(deps.cadence, createdAt?.getTime() ?? null, measuredAt.getTime())
      return {
        videoId: t.videoId,
        createdAt,
        title: v?.title ?? null,
        shareUrl: v?.shareUrl ?? null,
        syncedAt: measuredAt,
        nextSyncAt: next === null ? null : new Date(next),
      }
    })
    const complete = m.stoppedBy === null
    const retryAt = new Date(measuredAt.getTime() + deps.rateLimitBackoffMs)
    await deps.sql.begin(async (tx) => {
      await deps.snapshots.appendVideoSnapshots(tx, snapshots)
      if (m.user) {
        await deps.snapshots.appendAccountSnapshot(tx, {
          ...owner(conn),
          measuredAt,
          followers: count(m.user.followerCount),
          following: count(m.user.followingCount),
          likes: count(m.user.likesCount),
          videoCount: count(m.user.videoCount),
        })
      }
      await deps.videos.recordSynced(tx, conn.id, results)
      const videoDue = await deps.videos.nextDueAt(tx, conn.id)
      const accountDue = new Date(measuredAt.getTime() + deps.accountSyncIntervalMs)
      const next = complete ? (videoDue && videoDue < accountDue ? videoDue : accountDue) : retryAt
      await deps.connections.finishSync(tx, {
        id: conn.id,
        startedAt,
        syncedAt: complete ? measuredAt : null,
        nextSyncAt: next,
        listedAt,
        keepFullSync: !complete,
      })
      if (complete) {
        await deps.outbox.enqueue(tx, {
          subject: Subjects.metricsSynced,
          tenantId: conn.tenantId,
          occurredAt: measuredAt,
          data: {
            connectionId: conn.id,
            measuredAt: measuredAt.toISOString(),
            videoCount: snapshots.length,
            apiCalls,
          },
        })
      }
    })
    return { snapshots: snapshots.length + (m.user ? 1 : 0), complete, retryAt }
  }

  async function fail(
    conn: TrackedConnection & { syncFailures?: number },
    err: unknown,
  ): Promise<SyncOutcome> {
    const limited = err instanceof TikTokRateLimitedError || err instanceof RateBudgetExhaustedError
    const delay = limited ? deps.rateLimitBackoffMs : deps.retryMs * 2 ** Math.min(conn.syncFailures ?? 0, 6)
    const retryAt = new Date(deps.clock().getTime() + delay)
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
    deps.log?.warn({ connectionId: conn.id, err }, 'sync failed; will retry')
    await deps.connections.failSync({ id: conn.id, retryAt, error })
    return { kind: 'failed', retryAt, error }
  }

  return {
    async syncConnection(conn) {
      const startedAt = deps.clock()
      let session: TokenSession
      try {
        session = await openTokenSession({ ...deps, connectionId: conn.id, tenantId: conn.tenantId })
      } catch (err) {
        if (err instanceof LeaseError && err.accountUnusable) {
          const reason = err.code.toLowerCase()
          await deps.connections.markStale(deps.sql, { id: conn.id, tenantId: conn.tenantId, reason })
          return { kind: 'stale', reason }
        }
        return fail(conn, err)
      }
      try {
        let listedAt: Date | undefined
        const relistDue =
          !conn.videosListedAt ||
          startedAt.getTime() - conn.videosListedAt.getTime() >= deps.videoRelistIntervalMs
        if (relistDue) {
          await importVideos({
            q: deps.sql,
            display: deps.display,
            session,
            videos: deps.videos,
            owner: owner(conn),
            now: startedAt,
            untilKnown: conn.videosListedAt !== null,
          })
          listedAt = startedAt
        }
        const measuredAt = deps.clock()
        const m = await measure(conn, session, measuredAt)
        const apiCalls = session.calls['video.query'] + session.calls['user.info']
        const stored = await store(conn, startedAt, measuredAt, m, listedAt, apiCalls)
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
        await deps.outbox
          .flush(deps.bus)
          .then(
            (r) =>
              r.error &&
              deps.log?.warn({ err: r.error }, 'social.metrics.synced not published yet; will retry'),
          )
        return {
          kind: 'synced',
          measuredAt,
          videos: m.returned.length,
          apiCalls,
          listCalls: session.calls['video.list'],
          snapshots: stored.snapshots,
        }
      } catch (err) {
        if (err instanceof LeaseError && err.accountUnusable) {
          const reason = err.code.toLowerCase()
          await deps.connections.markStale(deps.sql, { id: conn.id, tenantId: conn.tenantId, reason })
          return { kind: 'stale', reason }
        }
        return fail(conn, err)
      }
    },
  }
}
