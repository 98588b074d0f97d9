/**
 * Reels publishing (docs/instagram-api.md "Publishing"): create a container from a public video
 * URL, read its `status_code`, publish it, and read the account's publishing limit. Every call
 * goes through the shared {@link GraphHttp} (typed errors, usage headers, secrets scrubbed).
 */
import { InstagramGraphError } from './errors.js'
import type { GraphHttp } from './graph.js'

/** `status_code` of a container ("Publishing": IN_PROGRESS → FINISHED or ERROR; EXPIRED after 24 h unpublished; PUBLISHED). */
export type ContainerStatusCode = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED'

const STATUS_CODES: readonly string[] = ['IN_PROGRESS', 'FINISHED', 'ERROR', 'EXPIRED', 'PUBLISHED']

/** What a Reel container is created from ("Publishing", create container). */
export interface ReelContainerParams {
  /** A public https URL Meta downloads the video from (cURL): it must be reachable at creation time. */
  videoUrl: string
  /** At most 2,200 characters. */
  caption?: string | undefined
  /** `share_to_feed`: also show the Reel in the feed grid (Instagram's default when absent). */
  shareToFeed?: boolean | undefined
  /** `cover_url`: a public image used as the cover; wins over `thumbOffsetMs`. */
  coverUrl?: string | undefined
  /** `thumb_offset`: the cover frame, ms from the start. */
  thumbOffsetMs?: number | undefined
}

/** A container's state ("Publishing", poll). */
export interface ContainerStatus {
  statusCode: ContainerStatusCode
  /** Graph's `status` text (for ERROR it names the error subcode). */
  status?: string | undefined
  /** The error subcode read from `status` when `statusCode` is ERROR, e.g. 2207026. */
  errorSubcode?: number | undefined
}

/** `content_publishing_limit` ("Publishing", limit): posts published through the API in the moving window. */
export interface PublishingLimit {
  quotaUsage: number
  quotaTotal: number
  /** Length of the moving window, seconds (86 400). */
  quotaDurationSec: number
}

/** One of an account's published media, as `GET /{ig-user-id}/media` lists it. */
export interface PublishedMedia {
  id: string
  caption?: string | undefined
  /** ISO 8601 as Graph sends it, e.g. `2026-12-06T07:00:00+0000`. */
  timestamp?: string | undefined
  /** `REELS`, `FEED`, `STORY`… */
  mediaProductType?: string | undefined
}

/** The publishing area of the client (`client.publishing`). */
export interface InstagramPublishing {
  /**
   * `POST /{ig-user-id}/media` with `media_type=REELS`. @returns the container id.
   * @throws InstagramGraphError (e.g. 100 for a bad parameter, 9004/2207052 when the URL cannot be fetched).
   */
  createReelContainer(
    accessToken: string,
    igUserId: string,
    params: ReelContainerParams,
  ): Promise<{ containerId: string }>
  /** `GET /{container-id}?fields=status_code,status`. @throws InstagramGraphError. */
  containerStatus(accessToken: string, containerId: string): Promise<ContainerStatus>
  /**
   * `POST /{ig-user-id}/media_publish?creation_id=`. @returns the IG media id.
   * @throws InstagramGraphError — code 9 subcode 2207042 at the publishing limit
   *   ({@link isPublishingLimitError}); 9007/2207027 when the container is not ready.
   */
  publishContainer(accessToken: string, igUserId: string, containerId: string): Promise<{ mediaId: string }>
  /** `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config`. @throws InstagramGraphError. */
  publishingLimit(accessToken: string, igUserId: string): Promise<PublishingLimit>
  /**
   * The account's newest published media, newest first (`GET /{ig-user-id}/media?fields=id,caption,
   * timestamp,media_product_type&limit=`, the first page only; `limit` ≤ 100).
   * @throws InstagramGraphError.
   */
  recentMedia(accessToken: string, igUserId: string, limit?: number): Promise<PublishedMedia[]>
}

/** Graph's answer at the publishing limit: code 9, subcode 2207042 ("Publishing", limit). */
export function isPublishingLimitError(err: unknown): boolean {
  return err instanceof InstagramGraphError && err.code === 9 && err.subcode === 2207042
}

/** Graph's answer to publishing a container that is not FINISHED yet: code 9007, subcode 2207027. */
export function isContainerNotReadyError(err: unknown): boolean {
  return err instanceof InstagramGraphError && err.code === 9007 && err.subcode === 2207027
}

const idOf = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined)

function missing(field: string): InstagramGraphError {
  return new InstagramGraphError('invalid_response', `Instagram's answer has no ${field}`, {
    category: 'failed',
  })
}

/** Builds the publishing area over the client's Graph helper. */
export function createPublishing(graph: GraphHttp): InstagramPublishing {
  return {
    async createReelContainer(accessToken, igUserId, p) {
      const { body } = await graph.request({
        method: 'POST',
        path: `/${encodeURIComponent(igUserId)}/media`,
        accessToken,
        form: {
          media_type: 'REELS',
          video_url: p.videoUrl,
          caption: p.caption,
          share_to_feed: p.shareToFeed,
          cover_url: p.coverUrl,
          thumb_offset: p.thumbOffsetMs,
        },
      })
      const containerId = idOf(body.id)
      if (!containerId) throw missing('container id')
      return { containerId }
    },
    async containerStatus(accessToken, containerId) {
      const { body } = await graph.request({
        path: `/${encodeURIComponent(containerId)}`,
        accessToken,
        query: { fields: 'status_code,status' },
      })
      const code = typeof body.status_code === 'string' ? body.status_code : ''
      if (!STATUS_CODES.includes(code)) throw missing('known status_code')
      const status = typeof body.status === 'string' ? body.status : undefined
      const subcode = code === 'ERROR' ? /\b(\d{6,8})\b/.exec(status ?? '')?.[1] : undefined
      return {
        statusCode: code as ContainerStatusCode,
        ...(status === undefined ? {} : { status }),
        ...(subcode ? { errorSubcode: Number(subcode) } : {}),
      }
    },
    async publishContainer(accessToken, igUserId, containerId) {
      const { body } = await graph.request({
        method: 'POST',
        path: `/${encodeURIComponent(igUserId)}/media_publish`,
        accessToken,
        query: { creation_id: containerId },
      })
      const mediaId = idOf(body.id)
      if (!mediaId) throw missing('media id')
      return { mediaId }
    },
    async publishingLimit(accessToken, igUserId) {
      const { body } = await graph.request<{ data?: unknown }>({
        path: `/${encodeURIComponent(igUserId)}/content_publishing_limit`,
        accessToken,
        query: { fields: 'quota_usage,config' },
      })
      const row = Array.isArray(body.data) ? (body.data[0] as Record<string, unknown> | undefined) : undefined
      const config = (row?.config ?? {}) as Record<string, unknown>
      const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN)
      const limit = {
        quotaUsage: num(row?.quota_usage),
        quotaTotal: num(config.quota_total),
        quotaDurationSec: num(config.quota_duration),
      }
      if (!Object.values(limit).every(Number.isFinite)) throw missing('quota_usage and config')
      return limit
    },
    async recentMedia(accessToken, igUserId, limit = 25) {
      const { body } = await graph.request<{ data?: unknown }>({
        path: `/${encodeURIComponent(igUserId)}/media`,
        accessToken,
        query: { fields: 'id,caption,timestamp,media_product_type', limit },
      })
      if (!Array.isArray(body.data)) throw missing('data')
      return (body.data as Record<string, unknown>[]).flatMap((m) => {
        const id = idOf(m.id)
        if (!id) return []
        const text = (v: unknown) => (typeof v === 'string' ? v : undefined)
        return [
          {
            id,
            caption: text(m.caption),
            timestamp: text(m.timestamp),
            mediaProductType: text(m.media_product_type),
          },
        ]
      })
    },
  }
}
