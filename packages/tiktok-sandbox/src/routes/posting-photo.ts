import type { FastifyPluginAsync } from 'fastify'
import { authenticate } from '../auth.js'
import type { SandboxContext } from '../context.js'
import { TikTokApiError } from '../errors.js'
import { photoPublishId } from '../ids.js'
import { admitDirectPoster, admitInboxSharer, forbidden } from '../posting/admit.js'
import { checkPhotoInit } from '../posting/photo-info.js'
import { urlOwnershipVerified } from '../posting/url-ownership.js'
import { sendData } from '../reply.js'
import { addPullPublish } from './posting-init.js'

/**
 * `POST /v2/post/publish/content/init/` with `media_type: PHOTO` (docs/tiktok-api.md §3.4): scope
 * `video.publish` for DIRECT_POST, `video.upload` for MEDIA_UPLOAD (an inbox share); the body
 * rules of `checkPhotoInit` (400 `invalid_params`); the 403s of a direct post or an inbox upload;
 * every `photo_images` URL under a verified prefix (403 `url_ownership_unverified`). Answers the
 * `publish_id` only (`p_pub_url~…`) and downloads the photos in the background (status
 * PROCESSING_DOWNLOAD, then as a video: webhooks, status fetch, faults and the 6/min limit by
 * endpoint name `content.init`).
 */
export const postingPhotoRoutes: FastifyPluginAsync<{ ctx: SandboxContext }> = async (app, { ctx }) => {
  app.post(
    '/v2/post/publish/content/init/',
    { config: { endpoint: 'content.init' } },
    async (request, reply) => {
      const body = request.body as Record<string, unknown> | undefined
      const scope = body?.post_mode === 'MEDIA_UPLOAD' ? 'video.upload' : 'video.publish'
      const { user } = authenticate(ctx, request, [scope])
      const checked = checkPhotoInit(body)
      if (!checked.ok) throw new TikTokApiError(400, 'invalid_params', checked.message)
      const { init } = checked
      const mode = init.postMode === 'DIRECT_POST' ? 'DIRECT_POST' : 'INBOX_SHARE'
      const privacyLevel =
        mode === 'DIRECT_POST' ? admitDirectPoster(ctx, user, init.privacyLevel ?? 'SELF_ONLY') : undefined
      if (mode === 'INBOX_SHARE') admitInboxSharer(ctx, user)
      if (!init.urls.every((url) => urlOwnershipVerified(url, ctx.config.verifiedUrlPrefixes))) {
        throw forbidden(
          'url_ownership_unverified',
          'A photo URL is not under a verified domain or URL prefix of this app.',
        )
      }
      const p = addPullPublish(ctx, user, photoPublishId(mode), mode, {
        photos: { urls: init.urls, coverIndex: init.coverIndex, description: init.description },
        privacyLevel,
        title: init.title,
      })
      ctx.processor.startPhotoPull(p)
      return sendData(reply, ctx, { publish_id: p.publishId })
    },
  )
}
