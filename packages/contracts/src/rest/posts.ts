import { type Static, Type } from 'typebox'
import {
  IsoDateTime,
  Nullable,
  Page,
  PostMode,
  PostStatus,
  PrivacyLevel,
  TikTokPostId,
  Uuid,
} from '../common.js'

/** Where the video comes from: stored media (FILE_UPLOAD) or a verified URL (PULL_FROM_URL). */
export const PostSource = Type.Union([
  Type.Object({ mediaId: Uuid }, { additionalProperties: false }),
  Type.Object({ url: Type.String({ format: 'uri', maxLength: 2048 }) }, { additionalProperties: false }),
])
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

/** A post as the CRM sees it (`GET /v1/posts/:id`, and the 202 of `POST /v1/posts`). */
export const Post = Type.Object({
  id: Uuid,
  connectionId: Uuid,
  mode: PostMode,
  status: PostStatus,
  publishId: Nullable(Type.String()),
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
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  /** `nextCursor` of the previous page; anything else answers 400 `BAD_REQUEST`. */
  cursor: Type.Optional(Type.String()),
})
export type PostListQuery = Static<typeof PostListQuery>

export const PostIdParams = Type.Object({ id: Uuid })
export type PostIdParams = Static<typeof PostIdParams>
