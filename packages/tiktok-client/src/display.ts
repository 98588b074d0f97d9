import { type ApiContext, callApi } from './envelope.js'
import { TikTokInvalidArgumentError } from './errors.js'
import { isJsonObject, type JsonObject, optBoolean, optNumber, optString, toIdString } from './json.js'

/** `/v2/user/info/` fields and the scope each needs (docs/tiktok-api.md §1.7, §2.2). */
export const USER_INFO_FIELDS_BY_SCOPE = {
  'user.info.basic': [
    'open_id',
    'union_id',
    'avatar_url',
    'avatar_url_100',
    'avatar_large_url',
    'display_name',
  ],
  'user.info.profile': ['bio_description', 'profile_deep_link', 'is_verified', 'username'],
  'user.info.stats': ['follower_count', 'following_count', 'likes_count', 'video_count'],
} as const

/** A `/v2/user/info/` field name. */
export type UserInfoField = (typeof USER_INFO_FIELDS_BY_SCOPE)[keyof typeof USER_INFO_FIELDS_BY_SCOPE][number]

/** Every Video Object field (§2.5). */
export const VIDEO_FIELDS = [
  'id',
  'create_time',
  'cover_image_url',
  'share_url',
  'video_description',
  'duration',
  'height',
  'width',
  'title',
  'embed_html',
  'embed_link',
  'like_count',
  'comment_count',
  'share_count',
  'view_count',
] as const

/** A Video Object field name. */
export type VideoField = (typeof VIDEO_FIELDS)[number]

/** Most `max_count` for the video list and most ids per video query (§2.3, §2.4). */
export const MAX_VIDEOS_PER_CALL = 20

/**
 * The user-info fields the granted scopes allow (§1.7): basic → ids, avatars, display name;
 * profile → bio, deep link, verified, username; stats → the four counts. Unknown scopes are ignored.
 */
export function userInfoFieldsForScopes(scopes: readonly string[]): UserInfoField[] {
  const out: UserInfoField[] = []
  for (const [scope, fields] of Object.entries(USER_INFO_FIELDS_BY_SCOPE)) {
    if (scopes.includes(scope)) out.push(...fields)
  }
  return out
}

/** `data.user` in camelCase; only the requested fields are present (§2.2). Counts are numbers. */
export interface UserInfo {
  openId?: string
  unionId?: string
  avatarUrl?: string
  avatarUrl100?: string
  avatarLargeUrl?: string
  displayName?: string
  bioDescription?: string
  profileDeepLink?: string
  isVerified?: boolean
  username?: string
  followerCount?: number
  followingCount?: number
  likesCount?: number
  videoCount?: number
}

/** A Video Object (§2.5) in camelCase; only requested fields are present. */
export interface Video {
  /** 19-digit id, always a string. */
  id?: string
  /** Unix **seconds** (unlike the list cursor, which is ms). */
  createTime?: number
  /** Signed CDN link, expires after 6 h: refresh through `queryVideos`. */
  coverImageUrl?: string
  shareUrl?: string
  videoDescription?: string
  /** Seconds. */
  duration?: number
  height?: number
  width?: number
  title?: string
  embedHtml?: string
  embedLink?: string
  likeCount?: number
  commentCount?: number
  shareCount?: number
  viewCount?: number
}

/** Parameters of {@link DisplayApi.listVideos} (§2.3). */
export interface ListVideosParams {
  /** Fields to return; default: all of {@link VIDEO_FIELDS}. */
  fields?: readonly VideoField[]
  /** UTC Unix timestamp in **ms**: videos posted before it. Omit for the newest. */
  cursor?: number
  /** 1–20, default 10 on TikTok's side. */
  maxCount?: number
}

/** One page of the user's public videos, newest first. */
export interface VideoPage {
  videos: Video[]
  /** Pass as `cursor` for the next page (ms). */
  cursor: number
  hasMore: boolean
}

/** Display API (§2). Every call needs the user's access token and raises `TikTokApiError`. */
export interface DisplayApi {
  /**
   * `GET /v2/user/info/?fields=…` (§2.2). Pick `fields` with `userInfoFieldsForScopes(scopes)`;
   * asking for an ungranted field fails with `scope_permission_missed` or `scope_not_authorized`.
   * @throws TikTokInvalidArgumentError for an empty field list.
   */
  getUserInfo(accessToken: string, fields: readonly UserInfoField[]): Promise<UserInfo>
  /**
   * `POST /v2/video/list/?fields=…` (§2.3), scope `video.list`.
   * @throws TikTokInvalidArgumentError when `maxCount` is not 1–20.
   */
  listVideos(accessToken: string, params?: ListVideosParams): Promise<VideoPage>
  /**
   * `POST /v2/video/query/?fields=…` (§2.4), scope `video.list`. Any number of ids: they are
   * de-duplicated and sent 20 per call, sequentially; results are merged in call order. Unknown or
   * foreign ids are simply absent from the result.
   */
  queryVideos(
    accessToken: string,
    videoIds: readonly string[],
    fields?: readonly VideoField[],
  ): Promise<Video[]>
}

/** Builds the Display API on a client's context. */
export function createDisplayApi(ctx: ApiContext & { timeoutMs?: number }): DisplayApi {
  return {
    async getUserInfo(accessToken, fields) {
      if (fields.length === 0) throw new TikTokInvalidArgumentError('user info needs at least one field')
      const data = await callApi(ctx, {
        method: 'GET',
        path: '/v2/user/info/',
        query: { fields: fields.join(',') },
        accessToken,
        timeoutMs: ctx.timeoutMs,
      })
      return toUserInfo(isJsonObject(data.user) ? data.user : {})
    },

    async listVideos(accessToken, params = {}) {
      const body: Record<string, number> = {}
      if (params.maxCount !== undefined) {
        if (
          !Number.isInteger(params.maxCount) ||
          params.maxCount < 1 ||
          params.maxCount > MAX_VIDEOS_PER_CALL
        ) {
          throw new TikTokInvalidArgumentError(`max_count must be 1–${MAX_VIDEOS_PER_CALL}`)
        }
        body.max_count = params.maxCount
      }
      if (params.cursor !== undefined) body.cursor = params.cursor
      const data = await callApi(ctx, {
        method: 'POST',
        path: '/v2/video/list/',
        query: { fields: (params.fields ?? VIDEO_FIELDS).join(',') },
        accessToken,
        body,
        timeoutMs: ctx.timeoutMs,
      })
      return {
        videos: toVideos(data.videos),
        cursor: optNumber(data, 'cursor') ?? 0,
        hasMore: optBoolean(data, 'has_more') ?? false,
      }
    },

    async queryVideos(accessToken, videoIds, fields = VIDEO_FIELDS) {
      const ids = [...new Set(videoIds)]
      const videos: Video[] = []
      for (let i = 0; i < ids.length; i += MAX_VIDEOS_PER_CALL) {
        const data = await callApi(ctx, {
          method: 'POST',
          path: '/v2/video/query/',
          query: { fields: fields.join(',') },
          accessToken,
          body: { filters: { video_ids: ids.slice(i, i + MAX_VIDEOS_PER_CALL) } },
          timeoutMs: ctx.timeoutMs,
        })
        videos.push(...toVideos(data.videos))
      }
      return videos
    },
  }
}

function toUserInfo(u: JsonObject): UserInfo {
  return prune({
    openId: optString(u, 'open_id'),
    unionId: optString(u, 'union_id'),
    avatarUrl: optString(u, 'avatar_url'),
    avatarUrl100: optString(u, 'avatar_url_100'),
    avatarLargeUrl: optString(u, 'avatar_large_url'),
    displayName: optString(u, 'display_name'),
    bioDescription: optString(u, 'bio_description'),
    profileDeepLink: optString(u, 'profile_deep_link'),
    isVerified: optBoolean(u, 'is_verified'),
    username: optString(u, 'username'),
    followerCount: optNumber(u, 'follower_count'),
    followingCount: optNumber(u, 'following_count'),
    likesCount: optNumber(u, 'likes_count'),
    videoCount: optNumber(u, 'video_count'),
  })
}

function toVideos(value: unknown): Video[] {
  if (!Array.isArray(value)) return []
  return value.filter(isJsonObject).map((v) =>
    prune({
      id: v.id === undefined ? undefined : toIdString(v.id),
      createTime: optNumber(v, 'create_time'),
      coverImageUrl: optString(v, 'cover_image_url'),
      shareUrl: optString(v, 'share_url'),
      videoDescription: optString(v, 'video_description'),
      duration: optNumber(v, 'duration'),
      height: optNumber(v, 'height'),
      width: optNumber(v, 'width'),
      title: optString(v, 'title'),
      embedHtml: optString(v, 'embed_html'),
      embedLink: optString(v, 'embed_link'),
      likeCount: optNumber(v, 'like_count'),
      commentCount: optNumber(v, 'comment_count'),
      shareCount: optNumber(v, 'share_count'),
      viewCount: optNumber(v, 'view_count'),
    }),
  )
}

/** Drops `undefined` members so results only hold what TikTok returned. */
export function prune<T extends object>(obj: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v
  return out as T
}
