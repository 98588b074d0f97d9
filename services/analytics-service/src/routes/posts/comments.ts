import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  ErrorResponse,
  type PostComment,
  PostCommentList,
  PostCommentListQuery,
  PostIdParams,
} from '@social-bridge/contracts'
import { defineError, NotFoundError, requireUser } from '@social-bridge/service-kit'
import { decodeCommentCursor, encodeCommentCursor } from '../../domain/comments/comment-cursor.js'
import type { StoredComment } from '../../repositories/comments-repository.js'

const ROLES = ['admin', 'social_marketing']

/** 400 `BAD_REQUEST`: a `cursor` that is not a `nextCursor` of this list. */
const BadCursorError = defineError('BAD_REQUEST', 400, 'cursor is not a nextCursor of this list')

const toDto = (c: StoredComment): PostComment => ({
  id: c.commentId,
  mediaId: c.mediaId,
  text: c.text,
  username: c.username,
  likeCount: c.likeCount,
  parentId: c.parentId,
  createdAt: c.commentedAt.toISOString(),
})

/**
 * `GET /posts/:id/comments` (gateway `GET /v1/posts/:id/comments`), for a CRM admin or
 * social_marketing user of the tenant: the comments on the post's Instagram media, newest first,
 * `limit` (1–100, default 20) per page, `nextCursor` for the next one (docs/instagram-api.md
 * "Comments"). 404 for an id the tenant has no post under (another tenant's included); a known
 * post without Instagram media (a TikTok post) answers an empty page.
 */
const commentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { comments } = app.analytics
  app.get(
    '/posts/:id/comments',
    {
      schema: {
        params: PostIdParams,
        querystring: PostCommentListQuery,
        response: { 200: PostCommentList, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { tenantId } = requireUser(request, ROLES)
      const limit = request.query.limit ?? 20
      const after = request.query.cursor === undefined ? undefined : decodeCommentCursor(request.query.cursor)
      if (after === null) throw new BadCursorError()
      const postId = request.params.id
      const rows = await comments.listForPost({ tenantId, postId, limit, after })
      if (rows.length === 0 && !(await comments.postKnown(tenantId, postId))) throw new NotFoundError('Post')
      const page = rows.slice(0, limit)
      const last = page.at(-1)
      return {
        items: page.map(toDto),
        nextCursor: rows.length > limit && last ? encodeCommentCursor(last) : null,
      }
    },
  )
}

export default commentRoutes
