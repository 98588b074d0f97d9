import { Subjects } from '@social-bridge/contracts'
import type { Outbox } from '@social-bridge/service-kit'
import type { Sql } from 'postgres'
import type { SnapshotsRepository, VideoSnapshotRow } from '../../repositories/snapshots-repository.js'
import type { LeasedConnection, SyncLeases } from '../../repositories/sync-leases.js'
import type { VideoSyncResult, VideosRepository } from '../../repositories/videos-repository.js'
import { type Cadence, nextVideoSyncAt } from '../cadence.js'
import { SyncLeaseLostError } from './lease-heartbeat.js'
import type { Measurement } from './measure.js'

/** Dependencies of {@link storeResult}; durations in ms. */
export interface StoreDeps {
  sql: Sql
  leases: SyncLeases
  videos: VideosRepository
  snapshots: SnapshotsRepository
  outbox: Outbox
  cadence: Cadence
  accountSyncIntervalMs: number
  rateLimitBackoffMs: number
}

/** One sync's result to store. Times are the app clock. */
export interface SyncResult {
  startedAt: Date
  measuredAt: Date
  m: Measurement
  /** Set when a video list import completed during this sync. */
  listedAt: Date | undefined
  /** TikTok calls counted in `social.metrics.synced` (video query + user info). */
  apiCalls: number
}

const count = (n: number | undefined) => n ?? 0

/**
 * Stores a sync in one transaction: appends the snapshots, reschedules each video by its age
 * (cadence; a video TikTok did not return follows it too), ends the lease with the account's next
 * due time (its earliest video or `accountSyncIntervalMs`; after a rate limit, the backoff) and,
 * when complete, queues `social.metrics.synced` in the outbox.
 * @returns snapshot rows written, whether the sync was complete, and when a partial one retries.
 * @throws SyncLeaseLostError when the lease token no longer holds the account: nothing is written.
 */
export async function storeResult(deps: StoreDeps, conn: LeasedConnection, r: SyncResult) {
  const owner = { connectionId: conn.id, tenantId: conn.tenantId, provider: conn.provider }
  const { m, measuredAt } = r
  const byId = new Map(m.returned.filter((v) => v.id).map((v) => [v.id!, v]))
  const snapshots: VideoSnapshotRow[] = []
  const results: VideoSyncResult[] = m.queried.map((t) => {
    const v = byId.get(t.videoId)
    const createdAt = v?.createTime === undefined ? t.createdAt : new Date(v.createTime * 1000)
    if (v) {
      snapshots.push({
        ...owner,
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
        ...owner,
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
    const finished = await deps.leases.finish(tx, {
      id: conn.id,
      leaseToken: conn.leaseToken,
      startedAt: r.startedAt,
      syncedAt: complete ? measuredAt : null,
      nextSyncAt: next,
      listedAt: r.listedAt,
      keepFullSync: !complete,
    })
    // another replica owns the account now: roll back, its sync is the one that counts
    if (!finished) throw new SyncLeaseLostError(conn.id)
    if (complete) {
      await deps.outbox.enqueue(tx, {
        subject: Subjects.metricsSynced,
        aggregateId: conn.id,
        tenantId: conn.tenantId,
        occurredAt: measuredAt,
        data: {
          connectionId: conn.id,
          measuredAt: measuredAt.toISOString(),
          videoCount: snapshots.length,
          apiCalls: r.apiCalls,
        },
      })
    }
  })
  return { snapshots: snapshots.length + (m.user ? 1 : 0), complete, retryAt }
}
