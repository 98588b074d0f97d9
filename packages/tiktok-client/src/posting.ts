import { type ChunkPlan, planChunks } from './chunk-plan.js'
import { prune } from './display.js'
import { type ApiContext, callApi } from './envelope.js'
import { TikTokInvalidResponseError } from './errors.js'
import { type JsonObject, optBoolean, optNumber, optString, toIdString } from './json.js'

/** `privacy_level` values (docs/tiktok-api.md §3.2). Must be one of the creator's current options. */
export type PrivacyLevel =
  | 'PUBLIC_TO_EVERYONE'
  | 'MUTUAL_FOLLOW_FRIENDS'
  | 'FOLLOWER_OF_CREATOR'
  | 'SELF_ONLY'

/** `/v2/post/publish/creator_info/query/` `data` in camelCase (§3.1). */
export interface CreatorInfo {
  /** TTL 2 h. */
  creatorAvatarUrl?: string
  creatorUsername?: string
  creatorNickname?: string
  privacyLevelOptions: PrivacyLevel[]
  commentDisabled: boolean
  duetDisabled: boolean
  stitchDisabled: boolean
  /** Longest video this creator may post, in **seconds**. */
  maxVideoPostDurationSec?: number
}

/** Direct Post `post_info` (§3.2), camelCase. */
export interface PostInfo {
  /** Required; no default. */
  privacyLevel: PrivacyLevel
  /** Caption, ≤ 2200 UTF-16 code units. */
  title?: string
  disableDuet?: boolean
  disableComment?: boolean
  disableStitch?: boolean
  /** Cover frame, in ms. Sent in `post_info` (not `source_info`). */
  videoCoverTimestampMs?: number
  /** Paid partnership. Always sent; default `false`. */
  brandContentToggle?: boolean
  /** Own business. Always sent; default `false`. */
  brandOrganicToggle?: boolean
  /** Adds the "AI-generated" label. */
  isAigc?: boolean
}

/**
 * `source_info` (§3.2). FILE_UPLOAD declares either a `videoSize` (bytes; the client plans chunks
 * of `preferredChunkSize`, default 10,000,000 bytes, by the floor rule) or a ready `chunkPlan`.
 * PULL_FROM_URL needs an `https` URL under a verified prefix (§3.6).
 */
export type VideoSource =
  | { source: 'FILE_UPLOAD'; videoSize: number; preferredChunkSize?: number }
  | { source: 'FILE_UPLOAD'; chunkPlan: ChunkPlan }
  | { source: 'PULL_FROM_URL'; videoUrl: string }

/** Result of a video init. */
export interface InitResult {
  /** ≤ 64 characters, e.g. `v_pub_file~v2-1.123`. */
  publishId: string
  /** FILE_UPLOAD only: PUT target, used verbatim; valid for **1 hour**. */
  uploadUrl?: string
  /** FILE_UPLOAD only: the plan that was declared — pass it to `transfer.uploadVideo`. */
  chunkPlan?: ChunkPlan
}

/** Parameters of {@link PostingApi.initPhotoPost} (§3.4). */
export interface PhotoPostParams {
  postMode: 'DIRECT_POST' | 'MEDIA_UPLOAD'
  /** Up to 35 `https` URLs under a verified prefix. */
  photoImages: string[]
  /** 0-based index into `photoImages`. */
  photoCoverIndex: number
  postInfo?: {
    /** ≤ 90 UTF-16 units. */
    title?: string
    /** ≤ 4000 UTF-16 units. */
    description?: string
    /** Required for DIRECT_POST. */
    privacyLevel?: PrivacyLevel
    disableComment?: boolean
    autoAddMusic?: boolean
    brandContentToggle?: boolean
    brandOrganicToggle?: boolean
  }
}

/** `status` values of `/status/fetch/` (§3.8). */
export type PublishStatusValue =
  | 'PROCESSING_UPLOAD'
  | 'PROCESSING_DOWNLOAD'
  | 'SEND_TO_USER_INBOX'
  | 'PUBLISH_COMPLETE'
  | 'FAILED'

/** `/v2/post/publish/status/fetch/` `data` in camelCase (§3.8). */
export interface PublishStatus {
  status: PublishStatusValue
  /** Set when `FAILED`, e.g. `file_format_check_failed`, `publish_cancelled`. */
  failReason?: string
  /** TikTok's misspelt `publicaly_available_post_id`: 19-digit post ids, always strings. */
  publicalyAvailablePostId: string[]
  /** FILE_UPLOAD progress, in bytes. */
  uploadedBytes?: number
  /** PULL_FROM_URL progress, in bytes. */
  downloadedBytes?: number
}

/** Content Posting API (§3). All calls take the user's access token; errors are `TikTokApiError`. */
export interface PostingApi {
  /** `POST /v2/post/publish/creator_info/query/`, no body (§3.1). Spam-risk errors come with HTTP 200. */
  queryCreatorInfo(accessToken: string): Promise<CreatorInfo>
  /**
   * `POST /v2/post/publish/video/init/` (§3.2), scope `video.publish`. Both brand toggles are
   * always sent. For FILE_UPLOAD the chunk plan follows the floor rule.
   * @throws TikTokInvalidArgumentError from `planChunks` for impossible sizes.
   */
  initDirectPost(
    accessToken: string,
    params: { postInfo: PostInfo; source: VideoSource },
  ): Promise<InitResult>
  /**
   * `POST /v2/post/publish/inbox/video/init/` (§3.3), scope `video.upload`: only `source_info`
   * (plus `post_info.title` if given — whether TikTok uses it is unconfirmed).
   */
  initInboxUpload(accessToken: string, params: { source: VideoSource; title?: string }): Promise<InitResult>
  /** `POST /v2/post/publish/content/init/` with `media_type: PHOTO` (§3.4). */
  initPhotoPost(accessToken: string, params: PhotoPostParams): Promise<{ publishId: string }>
  /** `POST /v2/post/publish/status/fetch/` (§3.8). */
  fetchStatus(accessToken: string, publishId: string): Promise<PublishStatus>
  /** `POST /v2/post/publish/cancel/` (§3.7): best effort, PULL_FROM_URL in progress only. */
  cancel(accessToken: string, publishId: string): Promise<void>
}

/** Builds the Content Posting API on a client's context. */
export function createPostingApi(ctx: ApiContext & { timeoutMs?: number }): PostingApi {
  const post = (accessToken: string, path: string, body?: unknown) =>
    callApi(ctx, { method: 'POST', path, accessToken, body, timeoutMs: ctx.timeoutMs })

  async function initVideo(accessToken: string, path: string, body: JsonObject, plan: ChunkPlan | undefined) {
    const data = await post(accessToken, path, body)
    const publishId = optString(data, 'publish_id')
    if (!publishId) throw new TikTokInvalidResponseError(`${path} returned no publish_id`)
    const uploadUrl = optString(data, 'upload_url')
    if (plan && !uploadUrl)
      throw new TikTokInvalidResponseError(`${path} returned no upload_url for FILE_UPLOAD`)
    return prune<InitResult>({ publishId, uploadUrl, chunkPlan: plan })
  }

  return {
    async queryCreatorInfo(accessToken) {
      const d = await post(accessToken, '/v2/post/publish/creator_info/query/')
      const options = Array.isArray(d.privacy_level_options) ? d.privacy_level_options : []
      return prune<CreatorInfo>({
        creatorAvatarUrl: optString(d, 'creator_avatar_url'),
        creatorUsername: optString(d, 'creator_username'),
        creatorNickname: optString(d, 'creator_nickname'),
        privacyLevelOptions: options.filter((o): o is PrivacyLevel => typeof o === 'string'),
        commentDisabled: optBoolean(d, 'comment_disabled') ?? false,
        duetDisabled: optBoolean(d, 'duet_disabled') ?? false,
        stitchDisabled: optBoolean(d, 'stitch_disabled') ?? false,
        maxVideoPostDurationSec: optNumber(d, 'max_video_post_duration_sec'),
      })
    },

    initDirectPost(accessToken, { postInfo, source }) {
      const { sourceInfo, plan } = toSourceInfo(source)
      const p = postInfo
      const body = {
        post_info: prune({
          title: p.title,
          privacy_level: p.privacyLevel,
          disable_duet: p.disableDuet,
          disable_comment: p.disableComment,
          disable_stitch: p.disableStitch,
          video_cover_timestamp_ms: p.videoCoverTimestampMs,
          brand_content_toggle: p.brandContentToggle ?? false,
          brand_organic_toggle: p.brandOrganicToggle ?? false,
          is_aigc: p.isAigc,
        }),
        source_info: sourceInfo,
      }
      return initVideo(accessToken, '/v2/post/publish/video/init/', body, plan)
    },

    initInboxUpload(accessToken, { source, title }) {
      const { sourceInfo, plan } = toSourceInfo(source)
      const body: JsonObject = { source_info: sourceInfo }
      if (title !== undefined) body.post_info = { title }
      return initVideo(accessToken, '/v2/post/publish/inbox/video/init/', body, plan)
    },

    async initPhotoPost(accessToken, params) {
      const p = params.postInfo ?? {}
      const direct = params.postMode === 'DIRECT_POST'
      const body = {
        post_info: prune({
          title: p.title,
          description: p.description,
          privacy_level: p.privacyLevel,
          disable_comment: p.disableComment,
          auto_add_music: p.autoAddMusic,
          brand_content_toggle: direct ? (p.brandContentToggle ?? false) : undefined,
          brand_organic_toggle: direct ? (p.brandOrganicToggle ?? false) : undefined,
        }),
        source_info: {
          source: 'PULL_FROM_URL',
          photo_cover_index: params.photoCoverIndex,
          photo_images: params.photoImages,
        },
        post_mode: params.postMode,
        media_type: 'PHOTO',
      }
      const data = await post(accessToken, '/v2/post/publish/content/init/', body)
      const publishId = optString(data, 'publish_id')
      if (!publishId)
        throw new TikTokInvalidResponseError('/v2/post/publish/content/init/ returned no publish_id')
      return { publishId }
    },

    async fetchStatus(accessToken, publishId) {
      const d = await post(accessToken, '/v2/post/publish/status/fetch/', { publish_id: publishId })
      const status = optString(d, 'status')
      if (!status) throw new TikTokInvalidResponseError('/v2/post/publish/status/fetch/ returned no status')
      const ids = Array.isArray(d.publicaly_available_post_id) ? d.publicaly_available_post_id : []
      return prune<PublishStatus>({
        status: status as PublishStatusValue,
        failReason: optString(d, 'fail_reason') || undefined,
        publicalyAvailablePostId: ids.map(toIdString),
        uploadedBytes: optNumber(d, 'uploaded_bytes'),
        downloadedBytes: optNumber(d, 'downloaded_bytes'),
      })
    },

    async cancel(accessToken, publishId) {
      await post(accessToken, '/v2/post/publish/cancel/', { publish_id: publishId })
    },
  }
}

function toSourceInfo(source: VideoSource): { sourceInfo: JsonObject; plan?: ChunkPlan } {
  if (source.source === 'PULL_FROM_URL')
    return { sourceInfo: { source: 'PULL_FROM_URL', video_url: source.videoUrl } }
  const plan =
    'chunkPlan' in source ? source.chunkPlan : planChunks(source.videoSize, source.preferredChunkSize)
  return {
    sourceInfo: {
      source: 'FILE_UPLOAD',
      video_size: plan.videoSize,
      chunk_size: plan.chunkSize,
      total_chunk_count: plan.totalChunkCount,
    },
    plan,
  }
}
