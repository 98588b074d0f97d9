import type { Sql } from 'postgres'
import { type Queryable, toColumns } from './db-types.js'

/** What we know of a video when we learn about it. `createdAt`: TikTok `create_time` (§2.5). */
export interface VideoFact {
  videoId: string
  createdAt?: Date | null
  title?: string | null
  shareUrl?: string | null
}

/** The owner of videos being written. */
export interface VideoOwner {
  connectionId: string
  tenantId: string
  provider: string
}

/** A tracked video the sync may query. */
export interface TrackedVideo {
  videoId: string
  createdAt: Date | null
  nextSyncAt: Date
}

/** Result of one video after a sync: when to sync it next (null: stop), and facts TikTok returned. */
export interface VideoSyncResult extends VideoFact {
  nextSyncAt: Date | null
  syncedAt: Date
}

/**
 * Videos of tracked accounts, our posts and the videos each `publish_id` produced. Every write
 * is an upsert on the natural key (account + TikTok video id, post id, publish id + video id), so
 * replaying an event, or receiving events out of order, leaves the same rows.
 */
export interface VideosRepository {
  /** Tracks videos; new ones are due at `now`; known ones keep their schedule and gain missing facts. Returns how many were new. */
  upsertVideos(q: Queryable, owner: VideoOwner, facts: VideoFact[], now: Date): Promise<number>
  /** Which of `videoIds` this account already tracks. */
  knownVideoIds(connectionId: string, videoIds: string[]): Promise<Set<string>>
  /** The account's videos still synced (cadence not over), soonest due first. */
  trackedVideos(connectionId: string): Promise<TrackedVideo[]>
  /** Stores each video's next due time and facts after a sync. */
  recordSynced(q: Queryable, connectionId: string, results: VideoSyncResult[]): Promise<void>
  /** Earliest due time of the account's videos, or null when none is synced any more. */
  nextDueAt(q: Queryable, connectionId: string): Promise<Date | null>
  /** `social.post.published`: our post id ↔ its publish_id (first writer wins; replays are no-ops). */
  upsertPost(
    q: Queryable,
    post: { postId: string; tenantId: string; connectionId: string; provider: string; publishId: string },
  ): Promise<void>
  /** Links video ids to the publish that produced them. */
  linkPublishVideos(q: Queryable, provider: string, publishId: string, videoIds: string[]): Promise<void>
}

/** Creates the repository on the pool `sql`. */
export function createVideosRepository({ sql }: { sql: Sql }): VideosRepository {
  return {
    async upsertVideos(q, owner, facts, now) {
      if (facts.length === 0) return 0
      const byId = new Map(facts.map((f) => [f.videoId, f]))
      const { connectionId, tenantId, provider } = owner
      const rows = [...byId.values()].map((f) =>
        toColumns({
          connectionId,
          videoId: f.videoId,
          tenantId,
          provider,
          createdOnProviderAt: f.createdAt ?? null,
          title: f.title ?? null,
          shareUrl: f.shareUrl ?? null,
          firstSeenAt: now,
          nextSyncAt: now,
        }),
      )
      const res = await q<{ inserted: boolean }[]>`
        insert into analytics.videos ${q(rows)}
        on conflict (connection_id, video_id) do update set
          created_on_provider_at = coalesce(videos.created_on_provider_at, excluded.created_on_provider_at),
          title = coalesce(excluded.title, videos.title),
          share_url = coalesce(excluded.share_url, videos.share_url)
        returning (xmax = 0) as inserted`
      return res.filter((r) => r.inserted).length
    },

    async knownVideoIds(connectionId, videoIds) {
      if (videoIds.length === 0) return new Set()
      const rows = await sql<{ videoId: string }[]>`
        select video_id as "videoId" from analytics.videos
        where connection_id = ${connectionId} and video_id = any(${videoIds}::text[])`
      return new Set(rows.map((r) => r.videoId))
    },

    trackedVideos(connectionId) {
      return sql<TrackedVideo[]>`
        select video_id as "videoId", created_on_provider_at as "createdAt", next_sync_at as "nextSyncAt"
        from analytics.videos where connection_id = ${connectionId} and next_sync_at is not null
        order by next_sync_at, video_id`
    },

    async recordSynced(q, connectionId, results) {
      if (results.length === 0) return
      const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null)
      await q`
        update analytics.videos v set
          next_sync_at = r.next_sync_at,
          last_synced_at = r.synced_at,
          created_on_provider_at = coalesce(r.created_at, v.created_on_provider_at),
          title = coalesce(r.title, v.title),
          share_url = coalesce(r.share_url, v.share_url)
        from unnest(
          ${results.map((r) => r.videoId)}::text[],
          ${results.map((r) => iso(r.nextSyncAt))}::timestamptz[],
          ${results.map((r) => iso(r.syncedAt))}::timestamptz[],
          ${results.map((r) => iso(r.createdAt))}::timestamptz[],
          ${results.map((r) => r.title ?? null)}::text[],
          ${results.map((r) => r.shareUrl ?? null)}::text[]
        ) as r(video_id, next_sync_at, synced_at, created_at, title, share_url)
        where v.connection_id = ${connectionId} and v.video_id = r.video_id`
    },

    async nextDueAt(q, connectionId) {
      const [row] = await q<{ due: Date | null }[]>`
        select min(next_sync_at) as due from analytics.videos where connection_id = ${connectionId}`
      return row?.due ?? null
    },

    async upsertPost(q, p) {
      await q`
        insert into analytics.posts (post_id, tenant_id, connection_id, provider, publish_id)
        values (${p.postId}, ${p.tenantId}, ${p.connectionId}, ${p.provider}, ${p.publishId})
        on conflict (post_id) do nothing`
    },

    async linkPublishVideos(q, provider, publishId, videoIds) {
      if (videoIds.length === 0) return
      const rows = [...new Set(videoIds)].map((v) => ({ provider, publish_id: publishId, video_id: v }))
      await q`insert into analytics.publish_videos ${q(rows)} on conflict do nothing`
    },
  }
}
