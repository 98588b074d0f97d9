import { Subjects } from '@social-bridge/contracts'
import type { Outbox } from '@social-bridge/service-kit'
import type { Sql } from 'postgres'
import type { SnapshotsRepository, VideoSnapshotRow } from '../../repositories/snapshots-repository.js'
import type { LeasedConnection, SyncLeases } from '../../repositories/sync-leases.js'
import type { VideoSyncResult, VideosRepository } from '../../repositories/videos-repository.js'
import { type Cadence, nextVideoSyncAt } from '../cadence.js'
import type { Measurement } from './adapter.js'
import { SyncLeaseLostError } from './lease-heartbeat.js'

/** Dependencies of {@link storeResult}; durations in ms. */
export interface StoreDeps {
  sql: Sql
  leases: SyncLeases
  videos: VideosRepository
  snapshots: SnapshotsRepository
  outbox: Outbox
  cadence: Cadence
  accountSyncIntervalMs: number
}

/** One sync's result to store. Times are the app clock. */
export interface SyncResult {
  startedAt: Date
  m: Measurement
}

/**
 * Stores a sync in one transaction: appends the snapshots, reschedules each video by its age
 * (cadence; a video the provider did not return follows it too), ends the lease with the account's
 * next due time (its earliest video or `accountSyncIntervalMs`; after a rate limit, its `retryAt`)
 * and, when complete, queues `social.metrics.synced` in the outbox.
 * @returns snapshot rows written, and whether the sync was complete.
 * @throws SyncLeaseLostError when the lease token no longer holds the account: nothing is written.
 */
export async function storeResult(deps: StoreDeps, conn: LeasedConnection, r: SyncResult) {
  const owner = { connectionId: conn.id, tenantId: conn.tenantId, provider: conn.provider }
  const { m } = r
  const { measuredAt } = m
  const byId = new Map(m.returned.map((v) => [v.videoId, v]))
  const snapshots: VideoSnapshotRow[] = []
  const results: VideoSyncResult[] = m.queried.map((t) => {
    const v = byId.get(t.videoId)
    const createdAt = v?.createdAt ?? t.createdAt
    if (v) {
      snapshots.push({
        ...owner,
        videoId: t.videoId,
        measuredAt,
        views: v.views,
        likes: v.likes,
        comments: v.comments,
        shares: v.shares,
        reach: v.reach ?? null,
        saved: v.saved ?? null,
      })
    }
    // a video the provider did not return (deleted, made private) follows the cadence too, so it never hot-loops
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
  await deps.sql.begin(async (tx) => {
    await deps.snapshots.appendVideoSnapshots(tx, snapshots)
    if (m.account) {
      await deps.snapshots.appendAccountSnapshot(tx, {
        ...owner,
        measuredAt,
        ...m.account,
        reach: m.account.reach ?? null,
      })
    }
    await deps.videos.recordSynced(tx, conn.id, results)
    const videoDue = await deps.videos.nextDueAt(tx, conn.id)
    const accountDue = new Date(measuredAt.getTime() + deps.accountSyncIntervalMs)
    const next = m.stoppedBy ? m.stoppedBy.retryAt : videoDue && videoDue < accountDue ? videoDue : accountDue
    const finished = await deps.leases.finish(tx, {
      id: conn.id,
      leaseToken: conn.leaseToken,
      startedAt: r.startedAt,
      syncedAt: complete ? measuredAt : null,
      nextSyncAt: next,
      listedAt: m.listedAt,
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
          apiCalls: m.apiCalls,
        },
      })
    }
  })
  return { snapshots: snapshots.length + (m.account ? 1 : 0), complete }
}
