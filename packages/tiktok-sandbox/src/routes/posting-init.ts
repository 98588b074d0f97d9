import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import { authenticate } from '../auth.js'
import type { SandboxContext } from '../context.js'
import { TikTokApiError } from '../errors.js'
import { publishId } from '../ids.js'
import { admitDirectPost, admitInboxUpload, forbidden, type PublishExtra } from '../posting/admit.js'
import { checkChunks } from '../posting/chunks.js'
import { activeUserCapError, directPostsToday, privacyOptions } from '../posting/policy.js'
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

/** Validates `source_info` and creates the publish task (+ upload session for FILE_UPLOAD). */
function createPublish(
  ctx: SandboxContext,
  user: SandboxUser,
  mode: Publish['mode'],
  source: SourceInfo | undefined,
  extra: PublishExtra,
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
    const p = addPullPublish(ctx, user, publishId(mode, 'PULL_FROM_URL'), mode, {
      videoUrl: source.video_url,
      ...extra,
    })
    ctx.processor.startPull(p)
    return { publish_id: p.publishId }
  }
  throw badParam('source_info.source must be FILE_UPLOAD or PULL_FROM_URL.')
}

/** Records a new PULL_FROM_URL publish (a video URL or photos in `extra`), downloading from now on. */
export function addPullPublish(
  ctx: SandboxContext,
  user: SandboxUser,
  id: string,
  mode: Publish['mode'],
  extra: Partial<Publish>,
): Publish {
  return ctx.posts.addPublish({
    publishId: id,
    openId: user.openId,
    mode,
    source: 'PULL_FROM_URL',
    status: 'PROCESSING_DOWNLOAD',
    postIds: [],
    uploadedBytes: 0,
    downloadedBytes: 0,
    createdAt: ctx.clock.now(),
    ...extra,
  })
}

/** The two init endpoints: same authentication and `source_info` handling, their own checks. */
const INIT_ENDPOINTS: {
  path: string
  /** Request-log endpoint name (also the key for faults and rate limits). */
  endpoint: string
  scope: string
  mode: Publish['mode']
  /** Throws the endpoint's TikTokApiError, else returns the publish's privacy level and title. */
  admit(ctx: SandboxContext, user: SandboxUser, postInfo: unknown): PublishExtra
}[] = [
  {
    path: '/v2/post/publish/video/init/',
    endpoint: 'video.init',
    scope: 'video.publish',
    mode: 'DIRECT_POST',
    admit: admitDirectPost,
  },
  {
    path: '/v2/post/publish/inbox/video/init/',
    endpoint: 'inbox.init',
    scope: 'video.upload',
    mode: 'INBOX_SHARE',
    admit: admitInboxUpload,
  },
]

/**
 * Content Posting init endpoints (docs/tiktok-api.md §3.1–3.3, 3.10): creator_info, Direct Post
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
      // These three answer HTTP 200 on purpose (docs/tiktok-api.md §3.1).
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

  for (const init of INIT_ENDPOINTS) {
    app.post<{ Body: InitBody | undefined }>(
      init.path,
      { config: { endpoint: init.endpoint } },
      async (request, reply) => {
        const { user } = authenticate(ctx, request, [init.scope])
        const body = request.body ?? {}
        const extra = init.admit(ctx, user, body.post_info)
        return sendData(reply, ctx, createPublish(ctx, user, init.mode, body.source_info, extra))
      },
    )
  }
}
