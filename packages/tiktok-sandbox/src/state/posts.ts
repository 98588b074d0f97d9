import { createKeyedStore } from './keyed-store.js'

/** Status values of `/v2/post/publish/status/fetch/` (docs/tiktok-api.md §3.8). */
export type PublishStatus =
  | 'PROCESSING_UPLOAD'
  | 'PROCESSING_DOWNLOAD'
  | 'SEND_TO_USER_INBOX'
  | 'PUBLISH_COMPLETE'
  | 'FAILED'

/** `fail_reason` values (docs/tiktok-api.md §3.8). */
export type FailReason =
  | 'file_format_check_failed'
  | 'duration_check_failed'
  | 'frame_rate_check_failed'
  | 'picture_size_check_failed'
  | 'internal'
  | 'video_pull_failed'
  | 'photo_pull_failed'
  | 'publish_cancelled'
  | 'auth_removed'
  | 'spam_risk_too_many_posts'
  | 'spam_risk_user_banned_from_posting'
  | 'spam_risk_text'
  | 'spam_risk'

export type PrivacyLevel =
  | 'PUBLIC_TO_EVERYONE'
  | 'MUTUAL_FOLLOW_FRIENDS'
  | 'FOLLOWER_OF_CREATOR'
  | 'SELF_ONLY'

/** One publish task, created by an init call (docs/tiktok-api.md §3.2, 3.3). Times are virtual Unix ms. */
export interface Publish {
  publishId: string
  openId: string
  mode: 'DIRECT_POST' | 'INBOX_SHARE'
  source: 'FILE_UPLOAD' | 'PULL_FROM_URL'
  status: PublishStatus
  failReason?: FailReason
  /** 19-digit post ids, filled once public (`publicaly_available_post_id`). */
  postIds: bigint[]
  /** FILE_UPLOAD progress, bytes. */
  uploadedBytes: number
  /** PULL_FROM_URL progress, bytes. */
  downloadedBytes: number
  /** Declared `video_size` (FILE_UPLOAD), bytes. */
  videoSize?: number
  chunkSize?: number
  totalChunkCount?: number
  videoUrl?: string
  /** Privacy the post gets (after unaudited-client forcing). */
  privacyLevel?: PrivacyLevel
  title?: string
  createdAt: number
  /** Path of the received bytes on disk. */
  filePath?: string
  /** Upload session for FILE_UPLOAD. */
  uploadId?: string
  /** Aborts an in-progress PULL_FROM_URL download (cancel). */
  abort?: AbortController
  /** Photo posts (content/init, docs/tiktok-api.md §3.4): the `photo_images` URLs and the cover's index. */
  photos?: { urls: string[]; coverIndex: number; description?: string }
  /** Inspected media facts once processing passed (seconds, pixels). */
  media?: { duration: number; width: number; height: number }
}

/** A video shown by the Display API (docs/tiktok-api.md §2.5). */
export interface Video {
  /** 19-digit id. */
  id: bigint
  openId: string
  /** Virtual Unix ms; `create_time` is this / 1000 (seconds), the list cursor is ms. */
  createTimeMs: number
  title: string
  description: string
  /** Seconds. */
  duration: number
  width: number
  height: number
  /** Only public videos appear in /v2/video/list/ and /v2/video/query/. */
  public: boolean
  publishId?: string
}

/** In-memory store of publish tasks and videos. */
export interface PostsStore {
  addPublish(p: Publish): Publish
  publish(publishId: string): Publish | undefined
  publishes(): Publish[]
  publishesOf(openId: string): Publish[]
  addVideo(v: Video): Video
  /** A user's videos, newest first. */
  videosOf(openId: string): Video[]
  /** Every video, in insertion order. */
  videos(): Video[]
}

/** Creates the store, holding `initial` publishes and videos (a restored state) at first. */
export function createPostsStore(initial?: { publishes: Publish[]; videos: Video[] }): PostsStore {
  const publishes = createKeyedStore((p: Publish) => p.publishId, initial?.publishes)
  const videos: Video[] = [...(initial?.videos ?? [])]
  return {
    addPublish: publishes.add,
    publish: publishes.get,
    publishes: publishes.list,
    publishesOf: (openId) => publishes.list().filter((p) => p.openId === openId),
    addVideo(v) {
      videos.push(v)
      return v
    },
    videosOf: (openId) =>
      videos.filter((v) => v.openId === openId).sort((a, b) => b.createTimeMs - a.createTimeMs),
    videos: () => [...videos],
  }
}
