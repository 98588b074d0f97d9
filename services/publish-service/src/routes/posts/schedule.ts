import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponse, Post, PostIdParams, UpdatePostRequest } from '@social-bridge/contracts'
import { NotFoundError, requireUser, withDetails } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import { pullPrefixes } from '../../config.js'
import type { PostRow } from '../../db/schema.js'
import { toPostDto } from '../../domain/post-dto.js'
import { storedPostOptions } from '../../domain/post-options.js'
import { requestOf } from '../../domain/post-request.js'
import { checkPostRequest, type PostCheckDeps } from '../../domain/providers/index.js'
import { checkScheduledAt } from '../../domain/schedule.js'
import { PostNotScheduledError } from '../../errors.js'
import type { ScheduledChange } from '../../repositories/posts-repository.js'
import { forecastCapacity } from '../../repositories/schedule-capacity.js'

const ROLES = ['admin', 'social_marketing']

/** The dependencies of `checkPostRequest`, from the app. */
export function postCheckDeps(app: FastifyInstance): PostCheckDeps {
  return {
    media: app.publish.media,
    quota: app.publish.quota,
    authClient: app.authClient,
    tiktok: app.tiktok,
    instagram: app.instagram,
    pullPrefixes: pullPrefixes(app.publishConfig),
    publicBaseUrl: app.publishConfig.MEDIA_PUBLIC_BASE_URL,
    reelMaxBytes: app.publishConfig.INSTAGRAM_REEL_MAX_BYTES,
  }
}

/** A scheduled post as answered to the CRM, with TikTok's caps checked at its time (TikTok posts only). */
export async function withCapacity(app: FastifyInstance, row: PostRow) {
  const at = row.scheduledAt
  if (!at || row.provider !== 'tiktok') return toPostDto(row)
  const capacity = await forecastCapacity(app.db, {
    connectionId: row.connectionId,
    mode: row.mode as 'direct' | 'inbox', // TikTok posts only (above)
    at,
    postId: row.id,
  })
  return { ...toPostDto(row), capacity }
}

/** 404 for a post that is not the tenant's, 409 `POST_NOT_SCHEDULED` for one that started or ended. */
function changed(result: ScheduledChange): PostRow {
  if (result.kind === 'not_found') throw new NotFoundError('Post')
  if (result.kind === 'not_scheduled') {
    const message = 'Only a scheduled post that has not started can be changed or cancelled'
    throw withDetails(new PostNotScheduledError(message), { status: result.post.status })
  }
  return result.post
}

/**
 * `PATCH /posts/:id` and `POST /posts/:id/cancel` (gateway `/v1/posts/:id…`): change or cancel a
 * `scheduled` post before it starts. An edit runs the checks of `POST /posts` on the post as it
 * would become (live creator_info, title, privacy level, a new `scheduledAt` in range) and
 * answers 200 with the post and its `capacity` at the (new) time; cancel answers 200 with the
 * `cancelled` post. 404 for another tenant's post, 409 `POST_NOT_SCHEDULED` once it has started.
 */
const scheduleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.patch(
    '/posts/:id',
    {
      schema: {
        params: PostIdParams,
        body: UpdatePostRequest,
        response: { 200: Post, '4xx': ErrorResponse, '5xx': ErrorResponse },
      },
    },
    async (request) => {
      const user = requireUser(request, ROLES)
      const row = await app.publish.posts.get(user.tenantId, request.params.id)
      if (!row) throw new NotFoundError('Post')
      if (row.status !== 'scheduled') changed({ kind: 'not_scheduled', post: row })
      const body = request.body
      const scheduledAt = body.scheduledAt ? checkScheduledAt(body.scheduledAt) : undefined
      const next = requestOf(row, body)
      const checked = await checkPostRequest(postCheckDeps(app), user.tenantId, next)
      const post = changed(
        await app.publish.posts.reschedule(user.tenantId, row.id, {
          ...(scheduledAt ? { scheduledAt } : {}),
          title: next.title ?? null,
          privacyLevel: next.mode === 'direct' ? (next.privacyLevel ?? null) : null,
          options: storedPostOptions(next, checked.interactions),
          creatorUsername: checked.creatorUsername ?? row.creatorUsername,
        }),
      )
      return withCapacity(app, post)
    },
  )

  app.post(
    '/posts/:id/cancel',
    { schema: { params: PostIdParams, response: { 200: Post, '4xx': ErrorResponse } } },
    async (request) => {
      const user = requireUser(request, ROLES)
      return toPostDto(changed(await app.publish.posts.cancel(user.tenantId, request.params.id)))
    },
  )
}

export default scheduleRoutes
