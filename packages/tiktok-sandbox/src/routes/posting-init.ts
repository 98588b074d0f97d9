import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import { authenticate } from '../auth.js'
import type { SandboxContext } from '../context.js'
import { TikTokApiError } from '../errors.js'
import { publishId } from '../ids.js'
import { checkChunks } from '../posting/chunks.js'
import { activeUserCapError, directPostsToday, pendingShares, privacyOptions } from '../posting/policy.js'
import { checkPostInfo } from '../posting/post-info.js'
import { urlOwnershipVerified } from '../posting/url-ownership.js'
import { sendData } from '../reply.js'
import type { Publish } from '../state/posts.js'
import type { SandboxUser } from '../state/users.js'

interface SourceInfo {
  source?: string
  video_url?: string
  video_size?: number
  chunk_size?: number
  total_chunk_count?: number
}
interface InitBody {
  /** Checked by `checkPostInfo` (video init); only a string `title` is read on inbox init. */
  post_info?: unknown
  source_info?: SourceInfo
}

const forbidden = (code: string, message: string) => new TikTokApiError(403, code, message)

/** Validates `source_info` and creates the publish task (+ upload session for FILE_UPLOAD). */
function createPublish(
  ctx: SandboxContext,
  user: SandboxUser,
  mode: Publish['mode'],
  source: SourceInfo | undefined,
  extra: Pick<Publish, 'privacyLevel' | 'title'>,
): Record<string, string> {
  const badParam = (m: string) => new TikTokApiError(400, ctx.settings.postingInvalidParamCode, m)
  if (!source || typeof source !== 'object') throw badParam('source_info is required.')
  const now = ctx.clock.now()
  if (source.source === 'FILE_UPLOAD') {
    const chunkError = checkChunks(source.video_size, source.chunk_size, source.total_chunk_count)
    if (chunkError) throw new TikTokApiError(400, 'invalid_params', chunkError)
    const id = publishId(mode, 'FILE_UPLOAD')
    const uploadId = randomBytes(12).toString('hex')
    const uploadToken = randomBytes(18).toString('base64url')
    ctx.posts.addPublish({
      publishId: id,
      openId: user.openId,
      mode,
      source: 'FILE_UPLOAD',
      status: 'PROCESSING_UPLOAD',
      postIds: [],
      uploadedBytes: 0,
      downloadedBytes: 0,
      videoSize: source.video_size,
      chunkSize: source.chunk_size,
      totalChunkCount: source.total_chunk_count,
      createdAt: now,
      filePath: join(ctx.dataDir, `${uploadId}.upload`),
      uploadId,
      ...extra,
    })
    ctx.uploads.add({
      uploadId,
      uploadToken,
      publishId: id,
      expiresAt: now + ctx.settings.uploadUrlTtlMs,
      busy: false,
    })
    const uploadUrl = `${ctx.baseUrl()}/upload/video/?upload_id=${uploadId}&upload_token=${uploadToken}`
    return { publish_id: id, upload_url: uploadUrl }
  }
  if (source.source === 'PULL_FROM_URL') {
    if (typeof source.video_url !== 'string' || !source.video_url) throw badParam('video_url is required.')
    if (!urlOwnershipVerified(source.video_url, ctx.config.verifiedUrlPrefixes)) {
      throw forbidden(
        'url_ownership_unverified',
        'The video_url is not under a verified domain or URL prefix of this app.',
      )
    }
    const id = publishId(mode, 'PULL_FROM_URL')
    const p = ctx.posts.addPublish({
      publishId: id,
      openId: user.openId,
      mode,
      source: 'PULL_FROM_URL',
      status: 'PROCESSING_DOWNLOAD',
      postIds: [],
      uploadedBytes: 0,
      downloadedBytes: 0,
      videoUrl: source.video_url,
      createdAt: now,
      ...extra,
    })
    ctx.processor.startPull(p)
    return { publish_id: id }
  }
  throw badParam('source_info.source must be FILE_UPLOAD or PULL_FROM_URL.')
}

/**
 * Content Posting init endpoints (REFERENCE 3.1–3.3, 3.10): creator_info, Direct Post
 * `/v2/post/publish/video/init/` and inbox `/v2/post/publish/inbox/video/init/`. A Direct Post
 * `post_info` with a missing or mistyped field answers 400 `settings.postingInvalidParamCode`
 * (see `checkPostInfo`) before any 403. Inbox init has no `post_info` in the docs (3.3): only a
 * string `title` is kept from it, anything else in it is ignored.
 */
export const postingInitRoutes: FastifyPluginAsync<{ ctx: SandboxContext }> = async (app, { ctx }) => {
  app.post(
    '/v2/post/publish/creator_info/query/',
    { config: { endpoint: 'creator_info' } },
    async (request, reply) => {
      const { user } = authenticate(ctx, request, ['video.publish'])
      // These three answer HTTP 200 on purpose (REFERENCE 3.1).
      const spam = user.bannedFromPosting
        ? 'spam_risk_user_banned_from_posting'
        : directPostsToday(ctx, user.openId) >= ctx.settings.dailyPostCap
          ? 'spam_risk_too_many_posts'
          : activeUserCapError(ctx, user.openId)
      if (spam) throw new TikTokApiError(200, spam, 'The creator cannot make more posts right now.')
      return sendData(reply, ctx, {
        creator_avatar_url: user.avatarUrl,
        creator_username: user.username,
        creator_nickname: user.displayName,
        privacy_level_options: privacyOptions(user),
        comment_disabled: user.commentDisabled,
        duet_disabled: user.private,
        stitch_disabled: user.private,
        max_video_post_duration_sec: user.maxVideoPostDurationSec,
      })
    },
  )

  app.post<{ Body: InitBody | undefined }>(
    '/v2/post/publish/video/init/',
    { config: { endpoint: 'video.init' } },
    async (request, reply) => {
      const { user } = authenticate(ctx, request, ['video.publish'])
      const body = request.body ?? {}
      const badParam = (m: string) => new TikTokApiError(400, ctx.settings.postingInvalidParamCode, m)
      const checked = checkPostInfo(body.post_info)
      if (!checked.ok) throw badParam(checked.message)
      const post = checked.postInfo
      const privacy = post.privacy_level
      if (user.bannedFromPosting)
        throw forbidden('spam_risk_user_banned_from_posting', 'The user is banned from posting.')
      if (!privacyOptions(user).includes(privacy)) {
        throw forbidden(
          'privacy_level_option_mismatch',
          "privacy_level is not one of the creator's privacy_level_options.",
        )
      }
      if (ctx.settings.unauditedClient && !user.private) {
        throw forbidden(
          'unaudited_client_can_only_post_to_private_accounts',
          'Unaudited clients can only post to private accounts.',
        )
      }
      const capError = activeUserCapError(ctx, user.openId)
      if (capError) throw forbidden(capError, 'The app reached its active user cap for the last 24 hours.')
      if (directPostsToday(ctx, user.openId) >= ctx.settings.dailyPostCap) {
        throw forbidden('spam_risk_too_many_posts', 'The creator has reached the daily post cap.')
      }
      const data = createPublish(ctx, user, 'DIRECT_POST', body.source_info, {
        privacyLevel: ctx.settings.unauditedClient ? 'SELF_ONLY' : privacy,
        title: post.title ?? '',
      })
      return sendData(reply, ctx, data)
    },
  )

  app.post<{ Body: InitBody | undefined }>(
    '/v2/post/publish/inbox/video/init/',
    { config: { endpoint: 'inbox.init' } },
    async (request, reply) => {
      const { user } = authenticate(ctx, request, ['video.upload'])
      const body = request.body ?? {}
      if (user.bannedFromPosting)
        throw forbidden('spam_risk_user_banned_from_posting', 'The user is banned from posting.')
      if (pendingShares(ctx, user.openId) >= ctx.settings.pendingShareCap) {
        throw forbidden(
          'spam_risk_too_many_pending_share',
          `The user has reached the limit of ${ctx.settings.pendingShareCap} pending shares within any 24-hour period.`,
        )
      }
      const postInfo = body.post_info as { title?: unknown } | null | undefined
      const title = typeof postInfo?.title === 'string' ? postInfo.title : undefined
      return sendData(reply, ctx, createPublish(ctx, user, 'INBOX_SHARE', body.source_info, { title }))
    },
  )
}
