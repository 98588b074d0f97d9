import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { authenticate } from '../auth.js'
import type { SandboxContext } from '../context.js'
import { TikTokApiError } from '../errors.js'
import { logId } from '../ids.js'
import { sendData } from '../reply.js'
import type { Publish } from '../state/posts.js'

/** Body of the status and cancel endpoints. */
type PublishIdBody = { publish_id?: unknown } | undefined

/**
 * The publish named by the body's `publish_id`, for a caller with `video.upload` or
 * `video.publish` (docs/tiktok-api.md §3.7, 3.8). Throws 400 `invalid_publish_id` for an unknown id and
 * 400 `token_not_authorized_for_specified_publish_id` for another user's publish.
 */
function requestedPublish(ctx: SandboxContext, request: FastifyRequest<{ Body: PublishIdBody }>): Publish {
  const { user } = authenticate(ctx, request, ['video.upload', 'video.publish'])
  const id = request.body?.publish_id
  const p = typeof id === 'string' ? ctx.posts.publish(id) : undefined
  if (!p) throw new TikTokApiError(400, 'invalid_publish_id', 'The publish_id does not exist.')
  if (p.openId !== user.openId) {
    throw new TikTokApiError(
      400,
      'token_not_authorized_for_specified_publish_id',
      'The access token is not authorized for this publish_id.',
    )
  }
  return p
}

/**
 * `POST /v2/post/publish/status/fetch/` (docs/tiktok-api.md §3.8) and `POST /v2/post/publish/cancel/` (3.7).
 * `publicaly_available_post_id` is a list of 19-digit ints written as exact JSON numbers.
 */
export const postingStatusRoutes: FastifyPluginAsync<{ ctx: SandboxContext }> = async (app, { ctx }) => {
  app.post<{ Body: PublishIdBody }>(
    '/v2/post/publish/status/fetch/',
    { config: { endpoint: 'status.fetch' } },
    async (request, reply) => {
      const p = requestedPublish(ctx, request)
      const data: Record<string, unknown> = { status: p.status }
      if (p.status === 'FAILED') data.fail_reason = p.failReason
      data.publicaly_available_post_id = [...p.postIds]
      if (p.source === 'FILE_UPLOAD') data.uploaded_bytes = p.uploadedBytes
      else data.downloaded_bytes = p.downloadedBytes
      return sendData(reply, ctx, data)
    },
  )

  app.post<{ Body: PublishIdBody }>(
    '/v2/post/publish/cancel/',
    { config: { endpoint: 'cancel' } },
    async (request, reply) => {
      const p = requestedPublish(ctx, request)
      if (!ctx.processor.cancel(p)) {
        throw new TikTokApiError(
          400,
          'publish_not_cancellable',
          'Only an in-progress PULL_FROM_URL download can be cancelled.',
        )
      }
      return reply
        .type('application/json; charset=utf-8')
        .send(JSON.stringify({ error: { code: 'ok', message: '', log_id: logId(ctx.clock.now()) } }))
    },
  )
}
