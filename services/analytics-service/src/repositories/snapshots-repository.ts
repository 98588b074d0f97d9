import { type Queryable, toColumns } from './db-types.js'

/**
 * One video measurement (counts from TikTok's Video Object, docs/tiktok-api.md §2.5, or an Instagram
 * Reel's insights, docs/instagram-api.md "Insights"). Its fields are the columns of
 * `video_metrics_snapshots` (camelCase), stored as they are: a row carries no others.
 */
export interface VideoSnapshotRow {
  connectionId: string
  videoId: string
  tenantId: string
  provider: string
  measuredAt: Date
  views: number
  likes: number
  comments: number
  shares: number
  /** Instagram `reach`; null for TikTok. */
  reach: number | null
  /** Instagram `saved`; null for TikTok. */
  saved: number | null
}

/** One account measurement (TikTok `user.info.stats`, docs/tiktok-api.md §2.2; Instagram profile and account insights). */
export interface AccountSnapshotRow {
  connectionId: string
  tenantId: string
  provider: string
  measuredAt: Date
  followers: number
  following: number
  likes: number
  videoCount: number
  /** Instagram account `reach` (period `day`); null for TikTok. */
  reach: number | null
}

/** Appends measurements; rows are never updated or deleted (the time series is the history). */
export interface SnapshotsRepository {
  appendVideoSnapshots(q: Queryable, rows: VideoSnapshotRow[]): Promise<number>
  appendAccountSnapshot(q: Queryable, row: AccountSnapshotRow): Promise<void>
}

export function createSnapshotsRepository(): SnapshotsRepository {
  return {
    async appendVideoSnapshots(q, rows) {
      if (rows.length === 0) return 0
      const values = rows.map(toColumns)
      // bounded statements: postgres allows 65,535 parameters per query
      for (let i = 0; i < values.length; i += 5000) {
        await q`insert into analytics.video_metrics_snapshots ${q(values.slice(i, i + 5000))}`
      }
      return rows.length
    },

    async appendAccountSnapshot(q, r) {
      await q`
        insert into analytics.account_stats_snapshots
          (connection_id, tenant_id, provider, measured_at, followers, following, likes, video_count, reach)
        values (${r.connectionId}, ${r.tenantId}, ${r.provider}, ${r.measuredAt}, ${r.followers},
          ${r.following}, ${r.likes}, ${r.videoCount}, ${r.reach})`
    },
  }
}
