import { type Static, Type } from 'typebox'
import {
  IsoDateTime,
  Nullable,
  Page,
  PostMode,
  PostStatus,
  PrivacyLevel,
  Provider,
  TikTokPostId,
  Uuid,
} from '../common.js'

const MediaRef = Type.Object({ mediaId: Uuid }, { additionalProperties: false })
const UrlRef = Type.Object(
  { url: Type.String({ format: 'uri', maxLength: 2048 }) },
  { additionalProperties: false },
)

/** Most photos in one photo post (docs/tiktok-api.md §3.4 `photo_images`). */
export const MAX_PHOTOS_PER_POST = 35

/**
 * A photo carousel (docs/tiktok-api.md §3.4): 1–35 photos, each a stored JPEG/WebP (`mediaId`,
 * served to TikTok through a signed public URL) or a `url` under a verified prefix; `coverIndex`
 * (0-based, default 0) names the cover.
 */
export const PhotoSource = Type.Object(
  {
    photos: Type.Array(Type.Union([MediaRef, UrlRef]), { minItems: 1, maxItems: MAX_PHOTOS_PER_POST }),
    coverIndex: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PHOTOS_PER_POST - 1 })),
  },
  { additionalProperties: false },
)
export type PhotoSource = Static<typeof PhotoSource>

/**
 * Where the content comes from: a stored video (FILE_UPLOAD), a video at a verified URL
 * (PULL_FROM_URL), or photos ({@link PhotoSource}, always pulled by TikTok).
 */
export const PostSource = Type.Union([MediaRef, UrlRef, PhotoSource])
export type PostSource = Static<typeof PostSource>

/**
 * `POST /v1/posts` body. `title` is at most 2,200 UTF-16 code units (docs/tiktok-api.md §3.2), checked
 * by the service.
 *
 * `privacyLevel` is required for `mode: "direct"` and has no default (TikTok UX rule, docs/tiktok-api.md
 * 3.11): 400 `VALIDATION_FAILED` without it. It is optional for `mode: "inbox"`: TikTok's inbox
 * init takes no privacy level — the creator picks it in the TikTok app when finishing the draft
 * (docs/tiktok-api.md §3.3). One sent with an inbox post is accepted and ignored (so a form shared by both
 * modes keeps working): it is neither checked against the account's options nor sent, and the
 * post answers `privacyLevel: null`.
 */
export const CreatePostRequest = Type.Object(
  {
    connectionId: Uuid,
    mode: PostMode,
    source: PostSource,
    title: Type.Optional(Type.String()),
    privacyLevel: Type.Optional(
      Type.Union(PrivacyLevel.anyOf, {
        description:
          'Required for direct posts (no default). Inbox drafts take none: the creator chooses it in the TikTok app; one sent is ignored and the post shows null.',
      }),
    ),
    disableComment: Type.Optional(Type.Boolean()),
    disableDuet: Type.Optional(Type.Boolean()),
    disableStitch: Type.Optional(Type.Boolean()),
    coverTimestampMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 2_147_483_647,
        description:
          'Frame used as the cover, ms from the start (TikTok: video_cover_timestamp_ms, an int32, docs/tiktok-api.md §3.2).',
      }),
    ),
    brandContentToggle: Type.Optional(Type.Boolean()),
    brandOrganicToggle: Type.Optional(Type.Boolean()),
    isAigc: Type.Optional(Type.Boolean()),
    /** Photo posts only: the caption under the photos, at most 4,000 UTF-16 units (docs/tiktok-api.md §3.4). */
    description: Type.Optional(Type.String()),
    /** Photo direct posts only: let TikTok add music (docs/tiktok-api.md §3.4 `auto_add_music`). */
    autoAddMusic: Type.Optional(Type.Boolean()),
    /** Reels only: the caption under the Reel, at most 2,200 characters (docs/instagram-api.md "Publishing"). */
    caption: Type.Optional(Type.String()),
    /** Reels only: also show the Reel in the account's feed grid (Instagram `share_to_feed`; Instagram's default when absent). */
    shareToFeed: Type.Optional(Type.Boolean()),
    /** Reels only: a public https image Instagram fetches as the cover (`cover_url`); wins over `thumbOffsetMs`. */
    coverUrl: Type.Optional(Type.String({ format: 'uri', maxLength: 2048, pattern: '^https://' })),
    /** Reels only: the frame used as the cover, ms from the start (`thumb_offset`); within the video's duration. */
    thumbOffsetMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    /**
     * Start the post at this time instead of now: in the future, at most 120 days ahead. The post
     * is `scheduled` until then; it starts within a minute of it.
     */
    scheduledAt: Type.Optional(IsoDateTime),
  },
  {
    additionalProperties: false,
    // a direct post must name its privacy level; an inbox draft need not
    if: { properties: { mode: { const: 'direct' } }, required: ['mode'] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable
    then: { required: ['privacyLevel'] },
  },
)
export type CreatePostRequest = Static<typeof CreatePostRequest>

/**
 * Why a post is held back and when it continues on its own: a TikTok per-account limit
 * (`init_rate_limit` 6/min, `creator_info_rate_limit` 20/min, `status_rate_limit` 30/min,
 * docs/tiktok-api.md §5), `tiktok_rate_limited` (TikTok answered 429), `temporarily_unavailable`, or
 * `init_outcome_unknown_retry` (a FILE_UPLOAD init TikTok never confirmed is started again).
 */
export const PostWaitingFor = Type.Object({
  reason: Type.String(),
  /** A sentence for the CRM user. */
  message: Type.String(),
  /** When the work resumes (no action needed). */
  retryAt: IsoDateTime,
})
export type PostWaitingFor = Static<typeof PostWaitingFor>

/**
 * One entry of a post's status history, oldest first. `from` = `to` marks something that
 * happened without a status change (e.g. `reason: init_outcome_unknown_retry`); a `failed` entry
 * carries TikTok's or our fail reason.
 */
export const PostHistoryEntry = Type.Object({
  from: Nullable(PostStatus),
  to: PostStatus,
  reason: Nullable(Type.String()),
  message: Nullable(Type.String()),
  /** What caused it: `api`, `worker`, `poll` or `webhook`. */
  cause: Type.String(),
  at: IsoDateTime,
})
export type PostHistoryEntry = Static<typeof PostHistoryEntry>

/** How far ahead a post may be scheduled, days. */
export const MAX_SCHEDULE_AHEAD_DAYS = 120

/**
 * `PATCH /v1/posts/:id`: what may change on a `scheduled` post before it starts. A field left
 * out is kept; the same checks as `POST /v1/posts` apply to the result.
 */
export const UpdatePostRequest = Type.Object(
  {
    scheduledAt: Type.Optional(IsoDateTime),
    title: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    privacyLevel: Type.Optional(PrivacyLevel),
    disableComment: Type.Optional(Type.Boolean()),
    disableDuet: Type.Optional(Type.Boolean()),
    disableStitch: Type.Optional(Type.Boolean()),
    coverTimestampMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    brandContentToggle: Type.Optional(Type.Boolean()),
    brandOrganicToggle: Type.Optional(Type.Boolean()),
    isAigc: Type.Optional(Type.Boolean()),
    autoAddMusic: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdatePostRequest = Static<typeof UpdatePostRequest>

/**
 * One TikTok cap checked for a scheduled post's time (docs/tiktok-api.md §3.10, §5):
 * `init_per_minute` (6 inits a minute per account), `direct_posts_per_day` (about 15 direct posts
 * a day per creator), `inbox_drafts_per_24h` (5 pending inbox drafts in 24 h). `planned` counts the
 * account's other posts already planned in the windows around that time.
 */
export const ScheduleCapCheck = Type.Object({
  limit: Type.Union([
    Type.Literal('init_per_minute'),
    Type.Literal('direct_posts_per_day'),
    Type.Literal('inbox_drafts_per_24h'),
  ]),
  max: Type.Integer(),
  planned: Type.Integer(),
  fits: Type.Boolean(),
})
export type ScheduleCapCheck = Static<typeof ScheduleCapCheck>

/**
 * Whether TikTok's caps leave room at a scheduled time, given what is already planned. A post
 * that does not fit is still scheduled: at run time it waits (`waitingFor`) instead of failing.
 */
export const ScheduleCapacity = Type.Object({
  at: IsoDateTime,
  fits: Type.Boolean(),
  checks: Type.Array(ScheduleCapCheck),
})
export type ScheduleCapacity = Static<typeof ScheduleCapacity>

/**
 * A post as the CRM sees it (`GET /v1/posts/:id`, and the 202 of `POST /v1/posts`). `publishId`
 * is the network's id of the publishing attempt: TikTok's `publish_id`, or for a Reel the
 * Instagram container id (recorded before anything is published).
 */
export const Post = Type.Object({
  id: Uuid,
  connectionId: Uuid,
  /** The connection's provider (`tiktok`, `instagram`); absent on answers of older services: read as `tiktok`. */
  provider: Type.Optional(Provider),
  mode: PostMode,
  status: PostStatus,
  publishId: Nullable(Type.String()),
  /** Reels: the Instagram media id once published (`media_publish`'s `id`). */
  instagramMediaId: Type.Optional(Type.String()),
  /** TikTok post ids (19-digit strings) once public. */
  tiktokPostIds: Type.Array(TikTokPostId),
  shareUrl: Nullable(Type.String()),
  /** Upload progress: bytes TikTok acknowledged, and the total. */
  uploadedBytes: Type.Integer(),
  totalBytes: Nullable(Type.Integer()),
  failReason: Nullable(Type.String()),
  failMessage: Nullable(Type.String()),
  title: Nullable(Type.String()),
  /** The direct post's privacy level; null for an inbox draft (the creator picks it in the TikTok app). */
  privacyLevel: Nullable(PrivacyLevel),
  /** Set while the post waits (a limit, an outage) with the reason and the retry time; else null. */
  waitingFor: Nullable(PostWaitingFor),
  /** When a scheduled post starts (or started); null for a post made to start at once. */
  scheduledAt: Type.Optional(Nullable(IsoDateTime)),
  /** Photo posts: how many photos, and the cover's index. */
  photoCount: Type.Optional(Type.Integer()),
  /** Only in the answers of scheduling (`POST` with `scheduledAt`, `PATCH`): the cap check at that time. */
  capacity: Type.Optional(ScheduleCapacity),
  /** Status history with times and reasons; only in `GET /v1/posts/:id`. */
  history: Type.Optional(Type.Array(PostHistoryEntry)),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
})
export type Post = Static<typeof Post>

/** `GET /v1/posts`: one page of posts. */
export const PostList = Page(Post)
export type PostList = Static<typeof PostList>

export const PostListQuery = Type.Object({
  connectionId: Type.Optional(Uuid),
  status: Type.Optional(PostStatus),
  /**
   * Calendar range: posts whose time (`scheduledAt`, else creation) is at or after `from` and
   * before `to`; with either, the list is ordered by that time, earliest first.
   */
  from: Type.Optional(IsoDateTime),
  to: Type.Optional(IsoDateTime),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  /** `nextCursor` of the previous page; anything else answers 400 `BAD_REQUEST`. */
  cursor: Type.Optional(Type.String()),
})
export type PostListQuery = Static<typeof PostListQuery>

export const PostIdParams = Type.Object({ id: Uuid })
export type PostIdParams = Static<typeof PostIdParams>
