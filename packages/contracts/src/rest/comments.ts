import { type Static, Type } from 'typebox'
import { IsoDateTime, Nullable, Page } from '../common.js'

/**
 * One comment on a published post (Instagram today: docs/instagram-api.md "Comments"), as
 * analytics-service stores it from Instagram's `comments` webhooks and its comment sync.
 */
export const PostComment = Type.Object({
  /** Instagram's IG Comment id. */
  id: Type.String(),
  /** Instagram's IG Media id the comment is on. */
  mediaId: Type.String(),
  text: Nullable(Type.String()),
  /** The commenter's Instagram username (null when Instagram did not say). */
  username: Nullable(Type.String()),
  /** Likes of the comment at the last sync; null until a sync read it (webhooks do not carry it). */
  likeCount: Nullable(Type.Integer()),
  /** The comment this one replies to, or null. */
  parentId: Nullable(Type.String()),
  /**
   * When the comment was made: Instagram's `timestamp` once a sync read it; before that, when
   * Meta sent the webhook about it (the webhook carries no comment time).
   */
  createdAt: IsoDateTime,
})
export type PostComment = Static<typeof PostComment>

/** `GET /v1/posts/:id/comments`: one page of a post's comments, newest first. */
export const PostCommentList = Page(PostComment)
export type PostCommentList = Static<typeof PostCommentList>

/** Query of `GET /v1/posts/:id/comments`. */
export const PostCommentListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  /** `nextCursor` of the previous page; anything else answers 400 `BAD_REQUEST`. */
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
})
export type PostCommentListQuery = Static<typeof PostCommentListQuery>
