import { type Static, Type } from 'typebox'
import { PostMode, PostStatus, Provider, TikTokPostId, Uuid } from '../common.js'

/**
 * The post an event is about, the connection it is posted through and that connection's
 * provider (absent on events written before Instagram: read as `tiktok`). `publishId` in the
 * events below is TikTok's `publish_id`, or for a Reel the Instagram container id.
 */
const postRef = { postId: Uuid, connectionId: Uuid, provider: Type.Optional(Provider) }

/** Reels: the Instagram media id once published (docs/instagram-api.md "Publishing"). */
const instagramMediaId = Type.Optional(Type.String())

/** `social.post.created` v1: a publish request was accepted (202) and queued. */
export const PostCreatedV1 = Type.Object({
  ...postRef,
  mode: PostMode,
  source: Type.Union([Type.Literal('FILE_UPLOAD'), Type.Literal('PULL_FROM_URL')]),
})
export type PostCreatedV1 = Static<typeof PostCreatedV1>

/** `social.post.status_changed` v1: every stored status transition. */
export const PostStatusChangedV1 = Type.Object({
  ...postRef,
  from: PostStatus,
  to: PostStatus,
  publishId: Type.Optional(Type.String()),
  /** TikTok's raw `fail_reason`, when `to` is `failed`. */
  failReason: Type.Optional(Type.String()),
  /** A sentence a CRM user understands, when `to` is `failed`. */
  failMessage: Type.Optional(Type.String()),
  /** TikTok's public post ids known so far (19 digits, strings). */
  tiktokPostIds: Type.Optional(Type.Array(TikTokPostId)),
  /** `https://www.tiktok.com/@<username>/video/<id>` once a public post id is known. */
  shareUrl: Type.Optional(Type.String()),
  instagramMediaId,
})
export type PostStatusChangedV1 = Static<typeof PostStatusChangedV1>

/** `social.post.published` v1: TikTok reports the post complete; `postIds` may fill in later. */
export const PostPublishedV1 = Type.Object({
  ...postRef,
  publishId: Type.String(),
  /** TikTok's `publicaly_available_post_id` values, as strings (19 digits); empty for a Reel. */
  tiktokPostIds: Type.Array(TikTokPostId),
  instagramMediaId,
})
export type PostPublishedV1 = Static<typeof PostPublishedV1>

/** `social.post.failed` v1: terminal failure. */
export const PostFailedV1 = Type.Object({
  ...postRef,
  publishId: Type.Optional(Type.String()),
  /** TikTok's `fail_reason` or our own error code. */
  failReason: Type.String(),
  /** A sentence a CRM user understands. */
  message: Type.String(),
})
export type PostFailedV1 = Static<typeof PostFailedV1>
