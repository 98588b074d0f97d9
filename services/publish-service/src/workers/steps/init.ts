import { type CreatorInfo, type InitResult, planChunks, TikTokError } from '@social-bridge/tiktok-client'
import { pullPrefixes } from '../../config.js'
import type { MediaRow, PostRow } from '../../db/schema.js'
import { LimitReachedError, queryCreatorInfo } from '../../domain/creator-info.js'
import { checkAgainstCreatorInfo, checkPullUrl, sentPrivacyLevel } from '../../domain/creator-rules.js'
import { directPostInfo } from '../../domain/post-options.js'
import { withAccessToken } from '../../domain/token-call.js'
import type { Job, StepResult, WorkerDeps } from '../deps.js'
import { failJob, waitForLimit } from './fail.js'
import { onInitError, reconcileKnownPublish, recordInitResult } from './init-outcome.js'

/**
 * Phase `init`: re-checks the post against the live creator_info (docs/tiktok-api.md §3.1, counted in
 * the 20/min per-token limit), takes one of the connection's 6 inits/min (both counted in
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
  // No creator_info call for a post that would have to wait for an init slot anyway.
  const free = await d.domain.quota.peek(post.connectionId, 'init')
  if (!free.ok) return waitForLimit(d, job, 'init', free.retryAfterSec)

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
      (token) => callInit(d, current, plan, token),
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
  return checkPullUrl(post.videoUrl ?? '', pullPrefixes(d.config)) ? 'failed' : null
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
