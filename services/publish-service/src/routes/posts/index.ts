import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CreatePostRequest,
  ErrorResponse,
  Post,
  PostIdParams,
  PostList,
  PostListQuery,
} from '@social-bridge/contracts'
import { NotFoundError, requireUser, withDetails } from '@social-bridge/service-kit'
import { Type } from 'typebox'
import { decodeCursor } from '../../domain/post-cursor.js'
import { toPostDto } from '../../domain/post-dto.js'
import { checkPostRequest, inboxCapError } from '../../domain/providers/index.js'
import { checkScheduledAt } from '../../domain/schedule.js'
import { BadRequestError, IdempotencyKeyReusedError } from '../../errors.js'
import scheduleRoutes, { postCheckDeps, withCapacity } from './schedule.js'

const ROLES = ['admin', 'social_marketing']
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
})

/**
 * `POST /posts`, `GET /posts`, `GET /posts/:id` (gateway `/v1/posts…`), scoped by tenant.
 * Create checks the request against the account's live creator_info and the verified URL
 * prefixes before anything is sent to TikTok, then answers 202 with the queued post; the
 * worker does the rest. `Idempotency-Key` returns the same post for the same request, and 422
 * `IDEMPOTENCY_KEY_REUSED` for a different one. List answers 400 `BAD_REQUEST` for a cursor it
 * did not issue; `GET /posts/:id` adds the status history. With `scheduledAt` (checked: future,
 * ≤ 120 days) the post is `scheduled` and the 202 carries `capacity`, TikTok's caps at that time;
 * `from`/`to` list a calendar range. Edit and cancel are in `schedule.ts`.
 */
const postsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(scheduleRoutes)
  app.post(
    '/posts',
    {
      schema: {
        body: CreatePostRequest,
        headers: IdempotencyHeaders,
        response: { 202: Post, '4xx': ErrorResponse, '5xx': ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = requireUser(request, ROLES)
      const body = request.body
      const key = request.headers['idempotency-key']
      if (key) {
        const prior = await app.publish.posts.findByIdempotencyKey(user.tenantId, key, body)
        if (prior?.kind === 'existing') return reply.status(202).send(toPostDto(prior.post))
        if (prior?.kind === 'key_reused') throw keyReused(prior.post.id)
      }
      const scheduledAt = body.scheduledAt ? checkScheduledAt(body.scheduledAt) : undefined
      const checked = await checkPostRequest(postCheckDeps(app), user.tenantId, body)
      const result = await app.publish.posts.create({
        tenantId: user.tenantId,
        userId: user.userId,
        request: body,
        provider: checked.provider,
        idempotencyKey: key,
        videoSize: checked.videoSize,
        creatorUsername: checked.creatorUsername,
        interactions: checked.interactions,
        scheduledAt,
      })
      if (result.kind === 'inbox_cap') throw inboxCapError(result.retryAfterSec)
      if (result.kind === 'key_reused') throw keyReused(result.post.id)
      if (result.kind === 'created') app.publishWorker?.nudge() // this replica looks for it at once
      return reply.status(202).send(await withCapacity(app, result.post))
    },
  )

  app.get(
    '/posts',
    { schema: { querystring: PostListQuery, response: { 200: PostList, '4xx': ErrorResponse } } },
    async (request) => {
      const user = requireUser(request, ROLES)
      const { cursor } = request.query
      if (cursor !== undefined && !decodeCursor(cursor)) {
        const message = 'The cursor is not valid: pass the nextCursor of the previous page'
        throw withDetails(new BadRequestError(message), { cursor })
      }
      const page = await app.publish.posts.list(user.tenantId, request.query)
      return { items: page.items.map((row) => toPostDto(row)), nextCursor: page.nextCursor }
    },
  )

  app.get(
    '/posts/:id',
    { schema: { params: PostIdParams, response: { 200: Post, '4xx': ErrorResponse } } },
    async (request) => {
      const user = requireUser(request, ROLES)
      const row = await app.publish.posts.get(user.tenantId, request.params.id)
      if (!row) throw new NotFoundError('Post')
      return toPostDto(row, await app.publish.posts.history(row.id))
    },
  )
}

function keyReused(postId: string) {
  return withDetails(
    new IdempotencyKeyReusedError('This Idempotency-Key was already used for a different post request'),
    { postId },
  )
}

export default postsRoutes
