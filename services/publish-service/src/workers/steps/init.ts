import { type CreatorInfo, type InitResult, planChunks, TikTokError } from '@social-bridge/tiktok-client'
import { pullPrefixes } from '../../config.js'
import type { MediaRow, PostRow } from '../../db/schema.js'
import { LimitReachedError, queryCreatorInfo } from '../../domain/creator-info.js'
import { checkAgainstCreatorInfo, checkPullUrl, sentPrivacyLevel } from '../../domain/creator-rules.js'
import { photoImageUrls } from '../../domain/photo-rules.js'
import { directPostInfo, photoPostInfo } from '../../domain/post-options.js'
import { withAccessToken } from '../../domain/token-call.js'
import type { Job, StepResult, WorkerDeps } from '../deps.js'
import { failJob, waitForLimit } from './fail.js'
import { onInitError, reconcileKnownPublish, recordInitResult } from './init-outcome.js'

/**
 * Phase `init`: re-checks the post against the live creator_info (docs/tiktok-api.md §3.1, counted in
 * the 20/min per-token limit), takes one of the connection's 6 inits/min and, for a direct post's
 * first init, one of the creator's ~15 direct posts a day (§3.10; all counted in
 * PostgreSQL across replicas), marks the post `initiating`, calls video/init (§3.2) or
 * inbox/video/init (§3.3), and records `publish_id`, the upload URL and its expiry (1 h) before
 * any byte is sent. A post whose `publish_id` is already known is never initialised again: it is
 * reconciled (upload or status) instead. See src/workers/README.md for the unknown-outcome rule.
 */
export async function runInit(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post } = job
  if (post.publishId) return reconcileKnownPublish(d, job)
  const media = await checkSource(d, post)
  if (media === 'failed')
    return failJob(d, job, post.source === 'FILE_UPLOAD' ? 'media_missing' : 'URL_NOT_VERIFIED', true)
  const photoUrls = post.photos
    ? await photoImageUrls(post.photos, post.tenantId, d.domain.media, d.domain.photoUrls)
    : undefined
  if (photoUrls === null) return failJob(d, job, 'media_missing', true)
  // No creator_info call for a post that would have to wait for an init slot anyway.
  const free = await d.domain.quota.peek(post.connectionId, 'init')
  if (!free.ok) return waitForLimit(d, job, 'init', free.retryAfterSec)
  const countsAsPost = post.mode === 'direct' && post.initCount === 0
  if (countsAsPost) {
    const room = await d.domain.quota.peek(post.connectionId, 'direct_post')
    if (!room.ok) return waitForLimit(d, job, 'direct_post', room.retryAfterSec)
  }

  let info: CreatorInfo | null = null
  try {
    info = await queryCreatorInfo({
      quota: d.domain.quota,
      authClient: d.authClient,
      tiktok: d.tiktok,
      connection: { connectionId: post.connectionId, tenantId: post.tenantId },
      postId: post.id,
    })
  } catch (err) {
    if (err instanceof LimitReachedError) return waitForLimit(d, job, err.kind, err.retryAfterSec)
    const skippable =
      post.mode === 'inbox' && err instanceof TikTokError && err.tiktokCode === 'scope_not_authorized'
    if (!skippable) throw err
  }
  if (info) {
    const violation = checkAgainstCreatorInfo(
      { title: post.title ?? undefined, privacyLevel: sentPrivacyLevel(post), ...post.options },
      info,
      media?.durationSec,
    )
    if (violation) return failJob(d, job, violation.code, true)
  }

  job.signal.throwIfAborted() // last safe point: nothing was asked of TikTok's init yet
  const slot = await d.domain.quota.reserve(post.connectionId, 'init', post.id)
  if (!slot.ok) return waitForLimit(d, job, 'init', slot.retryAfterSec)
  if (countsAsPost) {
    await d.domain.quota.release(post.id, 'direct_post') // one per post, even after a lost lease
    const room = await d.domain.quota.reserve(post.connectionId, 'direct_post', post.id)
    if (!room.ok) return waitForLimit(d, job, 'direct_post', room.retryAfterSec)
  }

  await d.domain.quota.announce(post.connectionId, post.tenantId)
  const initCount = post.initCount + 1
  if (!(await d.queue.markInitiating(post.id, job.owner, initCount))) {
    // Lease lost, or a late init result was recorded meanwhile: go on from the stored post.
    const fresh = await d.domain.posts.getById(post.id)
    return fresh?.leaseOwner === job.owner ? fresh : null
  }
  const current: PostRow = { ...post, phase: 'initiating', initCount }
  await d.hooks?.beforeInitRequest?.(post.id)
  const startedAt = Date.now()
  const plan = media ? planChunks(media.sizeBytes, d.config.CHUNK_SIZE_BYTES) : undefined
  let result: InitResult
  try {
    result = await withAccessToken(
      d.authClient,
      { connectionId: post.connectionId, tenantId: post.tenantId },
      (token) =>
        photoUrls ? callPhotoInit(d, current, photoUrls, token) : callInit(d, current, plan, token),
      async () => {
        const again = await d.domain.quota.reserve(post.connectionId, 'init', post.id)
        if (!again.ok) throw new LimitReachedError('init', again.retryAfterSec)
        return true
      },
    )
  } catch (err) {
    return onInitError(d, { ...job, post: current }, err)
  }
  await d.hooks?.afterInitResponse?.(post.id)
  return recordInitResult(d, { ...job, post: current }, result, plan, startedAt)
}

/** The stored media (FILE_UPLOAD) or null (PULL_FROM_URL, URL still verified); 'failed' otherwise. */
async function checkSource(d: WorkerDeps, post: PostRow): Promise<MediaRow | null | 'failed'> {
  if (post.source === 'FILE_UPLOAD') {
    const media = await d.domain.media.get(post.tenantId, post.mediaId ?? '')
    if (!media || (await d.mediaStore.size(media.objectName)) === null) return 'failed'
    return media
  }
  const urls = post.photos ? post.photos.flatMap((p) => ('url' in p ? [p.url] : [])) : [post.videoUrl ?? '']
  return urls.some((url) => checkPullUrl(url, pullPrefixes(d.config))) ? 'failed' : null
}

/** content/init of a photo post (docs/tiktok-api.md §3.4): DIRECT_POST or MEDIA_UPLOAD (an inbox draft). */
function callPhotoInit(
  d: WorkerDeps,
  post: PostRow,
  photoImages: string[],
  token: string,
): Promise<InitResult> {
  return d.tiktok.posting.initPhotoPost(token, {
    postMode: post.mode === 'direct' ? 'DIRECT_POST' : 'MEDIA_UPLOAD',
    photoImages,
    photoCoverIndex: post.coverIndex ?? 0,
    postInfo: photoPostInfo(post),
  })
}

function callInit(
  d: WorkerDeps,
  post: PostRow,
  plan: ReturnType<typeof planChunks> | undefined,
  token: string,
): Promise<InitResult> {
  const source = plan
    ? { source: 'FILE_UPLOAD' as const, chunkPlan: plan }
    : { source: 'PULL_FROM_URL' as const, videoUrl: post.videoUrl ?? '' }
  if (post.mode === 'inbox') {
    return d.tiktok.posting.initInboxUpload(token, { source, ...(post.title ? { title: post.title } : {}) })
  }
  return d.tiktok.posting.initDirectPost(token, { postInfo: directPostInfo(post), source })
}
