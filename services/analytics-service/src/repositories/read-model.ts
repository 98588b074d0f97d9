import type { AccountStatsSnapshot, VideoMetricsSnapshot } from '@social-bridge/contracts'
import type { ISql, Sql } from 'postgres'

/** A time range, inclusive (app clock). */
export interface Range {
  from: Date
  to: Date
  /**
   * `to` was not asked for (it is the request's now): the reads take every measurement stored so
   * far, so one stored while the request runs (measured after its now) is in the history as it is
   * in the latest point.
   */
  openEnd: boolean
}

/** Sums of the latest snapshot of each video. */
export interface VideoTotals {
  videos: number
  views: number
  likes: number
  comments: number
  shares: number
}

/** A video series row as read (measured_at as Date). */
type VideoPoint = Omit<VideoMetricsSnapshot, 'measuredAt'> & { measuredAt: Date }
type AccountPoint = Omit<AccountStatsSnapshot, 'measuredAt'> & { measuredAt: Date }

/** The rows routes turn into DTOs. Every read is scoped by tenant: another tenant's id reads as absent. */
export interface ReadModel {
  /**
   * Runs `fn`'s reads in one read-only REPEATABLE READ transaction: a sync committing meanwhile is
   * in all of them or in none (else a latest point could be newer than the history's last).
   */
  snapshot<T>(fn: (reads: ReadModel) => Promise<T>): Promise<T>
  /** Our post with its account status, or null (unknown or another tenant's). */
  findPost(
    postId: string,
    tenantId: string,
  ): Promise<{ connectionId: string; provider: string; publishId: string; stale: boolean } | null>
  /** The post's videos summed per measurement within `range`, oldest first. */
  postHistory(
    post: { connectionId: string; provider: string; publishId: string },
    range: Range,
  ): Promise<VideoPoint[]>
  /** The latest measurement of each of the post's videos, summed (measuredAt = newest), or null. */
  postLatest(post: { connectionId: string; provider: string; publishId: string }): Promise<VideoPoint | null>
  /** Account stats within `range`, oldest first. */
  accountHistory(connectionId: string, range: Range): Promise<AccountPoint[]>
  accountLatest(connectionId: string): Promise<AccountPoint | null>
  /** Latest counts of each tracked video of the account, summed. */
  accountVideoTotals(connectionId: string): Promise<VideoTotals>
  /** Tenant-wide figures for the summary. */
  tenantSummary(
    tenantId: string,
    range: Range,
  ): Promise<{
    connections: { total: number; active: number; stale: number }
    followers: number
    totals: VideoTotals
    delta: { views: number; likes: number; comments: number; shares: number; followers: number }
    lastSyncedAt: Date | null
  }>
}

const VIDEO_SUMS = `coalesce(sum(views), 0)::float8 as views, coalesce(sum(likes), 0)::float8 as likes,
  coalesce(sum(comments), 0)::float8 as comments, coalesce(sum(shares), 0)::float8 as shares`
/** Instagram's Reel insights summed; null when no video of the sum has them (TikTok). */
const REEL_SUMS = `sum(reach)::float8 as reach, sum(saved)::float8 as saved`
const ACCOUNT_COLS = `measured_at as "measuredAt", followers::float8 as followers, following::float8 as following,
  likes::float8 as likes, video_count::float8 as "videoCount", reach::float8 as reach`

export function createReadModel({ sql }: { sql: Sql }): ReadModel {
  return {
    ...readsOver(sql),
    snapshot(fn) {
      return sql.begin('isolation level repeatable read read only', (tx) => {
        const inTx: ReadModel = { ...readsOver(tx), snapshot: (f) => f(inTx) }
        return fn(inTx)
      }) as Promise<Awaited<ReturnType<typeof fn>>>
    },
  }
}

/** The reads of {@link ReadModel} over `sql` (the pool, or a transaction). */
function readsOver(sql: ISql): Omit<ReadModel, 'snapshot'> {
  const videoSums = sql.unsafe(VIDEO_SUMS)
  const reelSums = sql.unsafe(REEL_SUMS)
  const accountCols = sql.unsafe(ACCOUNT_COLS)
  // `measured_at` within the range; an open end takes everything stored (see Range.openEnd).
  const within = (r: Range) =>
    r.openEnd ? sql`measured_at >= ${r.from}` : sql`measured_at between ${r.from} and ${r.to}`
  const postVideos = (p: { provider: string; publishId: string }) => sql`
    select video_id from analytics.publish_videos where provider = ${p.provider} and publish_id = ${p.publishId}`

  return {
    async findPost(postId, tenantId) {
      const [row] = await sql<
        { connectionId: string; provider: string; publishId: string; stale: boolean }[]
      >`
        select p.connection_id as "connectionId", p.provider, p.publish_id as "publishId",
          coalesce(c.status <> 'active', false) as stale
        from analytics.posts p left join analytics.connections c on c.id = p.connection_id
        where p.post_id = ${postId} and p.tenant_id = ${tenantId}`
      return row ?? null
    },

    postHistory(post, range) {
      return sql<VideoPoint[]>`
        select measured_at as "measuredAt", ${videoSums}, ${reelSums}
        from analytics.video_metrics_snapshots
        where connection_id = ${post.connectionId} and video_id in (${postVideos(post)})
          and ${within(range)}
        group by measured_at order by measured_at`
    },

    async postLatest(post) {
      const [row] = await sql<(VideoPoint & { n: number })[]>`
        select max(measured_at) as "measuredAt", count(*)::int as n, ${videoSums}, ${reelSums} from (
          select distinct on (video_id) * from analytics.video_metrics_snapshots
          where connection_id = ${post.connectionId} and video_id in (${postVideos(post)})
          order by video_id, measured_at desc) latest`
      if (!row || row.n === 0) return null
      const { n: _n, ...point } = row
      return point
    },

    accountHistory(connectionId, range) {
      return sql<AccountPoint[]>`
        select ${accountCols} from analytics.account_stats_snapshots
        where connection_id = ${connectionId} and ${within(range)}
        order by measured_at`
    },

    async accountLatest(connectionId) {
      const [row] = await sql<AccountPoint[]>`
        select ${accountCols} from analytics.account_stats_snapshots
        where connection_id = ${connectionId} order by measured_at desc limit 1`
      return row ?? null
    },

    async accountVideoTotals(connectionId) {
      const [row] = await sql<VideoTotals[]>`
        select (select count(*) from analytics.videos where connection_id = ${connectionId})::int as videos, ${videoSums}
        from (select distinct on (video_id) * from analytics.video_metrics_snapshots
              where connection_id = ${connectionId} order by video_id, measured_at desc) latest`
      return row!
    },

    async tenantSummary(tenantId, range) {
      const [conns] = await sql<
        { total: number; active: number; stale: number; lastSyncedAt: Date | null }[]
      >`
        select count(*)::int as total, count(*) filter (where status = 'active')::int as active,
          count(*) filter (where status <> 'active')::int as stale, max(last_synced_at) as "lastSyncedAt"
        from analytics.connections where tenant_id = ${tenantId}`
      const [followers] = await sql<{ followers: number }[]>`
        select coalesce(sum(followers), 0)::float8 as followers from (
          select distinct on (connection_id) followers from analytics.account_stats_snapshots
          where tenant_id = ${tenantId} order by connection_id, measured_at desc) latest`
      const [totals] = await sql<VideoTotals[]>`
        select (select count(*) from analytics.videos where tenant_id = ${tenantId})::int as videos, ${videoSums}
        from (select distinct on (connection_id, video_id) * from analytics.video_metrics_snapshots
              where tenant_id = ${tenantId} order by connection_id, video_id, measured_at desc) latest`
      const [videoDelta] = await sql<{ views: number; likes: number; comments: number; shares: number }[]>`
        select coalesce(sum(v[2] - v[1]), 0)::float8 as views, coalesce(sum(l[2] - l[1]), 0)::float8 as likes,
          coalesce(sum(c[2] - c[1]), 0)::float8 as comments, coalesce(sum(s[2] - s[1]), 0)::float8 as shares
        from (
          select array[(array_agg(views order by measured_at))[1], (array_agg(views order by measured_at desc))[1]] as v,
            array[(array_agg(likes order by measured_at))[1], (array_agg(likes order by measured_at desc))[1]] as l,
            array[(array_agg(comments order by measured_at))[1], (array_agg(comments order by measured_at desc))[1]] as c,
            array[(array_agg(shares order by measured_at))[1], (array_agg(shares order by measured_at desc))[1]] as s
          from analytics.video_metrics_snapshots
          where tenant_id = ${tenantId} and ${within(range)}
          group by connection_id, video_id) series`
      const [followerDelta] = await sql<{ followers: number }[]>`
        select coalesce(sum(last - first), 0)::float8 as followers from (
          select (array_agg(followers order by measured_at))[1] as first,
            (array_agg(followers order by measured_at desc))[1] as last
          from analytics.account_stats_snapshots
          where tenant_id = ${tenantId} and ${within(range)}
          group by connection_id) series`
      return {
        connections: { total: conns!.total, active: conns!.active, stale: conns!.stale },
        followers: followers!.followers,
        totals: totals!,
        delta: { ...videoDelta!, followers: followerDelta!.followers },
        lastSyncedAt: conns!.lastSyncedAt,
      }
    },
  }
}
