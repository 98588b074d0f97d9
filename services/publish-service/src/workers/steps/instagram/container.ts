import { AuthClientError } from '@social-bridge/auth-client'
import { InstagramGraphError, type ReelContainerParams } from '@social-bridge/instagram-client'
import type { PostRow } from '../../../db/schema.js'
import { type Job, MAX_INITS_PER_POST, retryDelayMs, type StepResult, type WorkerDeps } from '../../deps.js'
import { failJob, retryJobLater } from '../fail.js'
import { GRAPH_RATE_LIMIT_BACKOFF_MS, graphFailReason, withInstagram } from './graph-call.js'

/** The container parameters of a stored Reel: its signed public video URL and the request's options. */
function reelParams(post: PostRow, videoUrl: string): ReelContainerParams {
  const { caption, shareToFeed, coverUrl, thumbOffsetMs } = post.options
  return { videoUrl, caption, shareToFeed, coverUrl, thumbOffsetMs }
}

/**
 * Phase `init` of a Reel (docs/instagram-api.md "Publishing", create container): marks the post
 * `initiating`, creates the container from the video's signed, expiring public URL
 * (`MEDIA_PUBLIC_BASE_URL`, which Instagram downloads at once) and records the container id
 * (`publish_id`) durably with the move to `processing` — before anything is published. Its
 * `status_code` is then polled every `INSTAGRAM_CONTAINER_POLL_INTERVAL_MS` until
 * `INSTAGRAM_CONTAINER_POLL_DEADLINE_MS` after creation. A post with a container already is
 * never given another: it goes to polling.
 */
export async function createContainer(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post } = job
  if (post.publishId) return toPolling(d, job)
  const media = await d.domain.media.get(post.tenantId, post.mediaId ?? '')
  if (!media || (await d.mediaStore.size(media.objectName)) === null)
    return failJob(d, job, 'media_missing', false)
  job.signal.throwIfAborted() // last safe point: nothing was asked of Instagram yet
  const initCount = post.initCount + 1
  if (!(await d.queue.markInitiating(post.id, job.owner, initCount))) {
    const fresh = await d.domain.posts.getById(post.id)
    return fresh?.leaseOwner === job.owner ? fresh : null
  }
  const current: PostRow = { ...post, phase: 'initiating', initCount }
  await d.hooks?.beforeInitRequest?.(post.id)
  const videoUrl = d.domain.photoUrls.sign(media.id, media.contentType)
  let containerId: string
  try {
    ;({ containerId } = await withInstagram(d, current, (token, igUserId) =>
      d.instagram.publishing.createReelContainer(token, igUserId, reelParams(current, videoUrl)),
    ))
  } catch (err) {
    return onContainerError(d, { ...job, post: current }, err)
  }
  await d.hooks?.afterInitResponse?.(post.id)
  const now = Date.now()
  const { recorded } = await d.domain.postState.recordInit(
    post.id,
    'processing',
    {
      phase: 'poll',
      publishId: containerId,
      attempts: 0,
      pollCount: 0,
      pollDeadlineAt: new Date(now + d.config.INSTAGRAM_CONTAINER_POLL_DEADLINE_MS),
      nextRunAt: new Date(now + d.config.INSTAGRAM_CONTAINER_POLL_INTERVAL_MS),
    },
    { cause: 'worker', owner: job.owner },
  )
  d.log.info({ postId: post.id, containerId, recorded }, 'Reel container created')
  return null
}

/** A post whose container is known goes (back) to polling its status. */
async function toPolling(d: WorkerDeps, job: Job): Promise<StepResult> {
  const ok = await d.queue.update(job.post.id, job.owner, { phase: 'poll' })
  return ok ? { ...job.post, phase: 'poll' } : null
}

/** Connection errors raised before a request could reach Instagram. */
const NOT_SENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT/

/**
 * A container creation that failed. A definite answer (no token, Graph's refusal, a rate limit,
 * a connection never made) sends the post back to `init` (or fails it on a refusal); a timeout,
 * reset or 5xx leaves open whether Instagram made a container: {@link resolveUnknownContainer}.
 */
async function onContainerError(d: WorkerDeps, job: Job, err: unknown): Promise<StepResult> {
  const back = { phase: 'init', initCount: job.post.initCount - 1 }
  if (err instanceof AuthClientError) {
    await d.queue.update(job.post.id, job.owner, back)
    throw err
  }
  if (err instanceof InstagramGraphError) {
    if (err.category === 'rate_limited')
      return retryJobLater(d, job, GRAPH_RATE_LIMIT_BACKOFF_MS, 'instagram_rate_limited', back)
    if (err.category === 'grant_invalid') return failJob(d, job, 'reauth_required', false)
    if (err.category === 'failed') return failJob(d, job, graphFailReason(err), false)
    if (err.kind === 'connection_error' && NOT_SENT.test(err.message))
      return retryJobLater(d, job, retryDelayMs(d.config, job.post.attempts), 'temporarily_unavailable', {
        ...back,
        attempts: job.post.attempts + 1,
      })
  }
  d.log.warn({ postId: job.post.id, err }, 'container creation outcome unknown')
  return resolveUnknownContainer(d, job)
}

/**
 * A container creation whose outcome is unknown (timeout, reset, 5xx, or a worker that died while
 * `initiating`). A container Instagram made without us learning its id is never published (only
 * `media_publish` with its id publishes; it expires after 24 h), so creating another cannot
 * publish the Reel twice: the post goes back to `init` after a backoff, noted in its history
 * (`container_outcome_unknown_retry`), at most MAX_INITS_PER_POST creations in all
 * (then `instagram_unavailable`). A container id recorded meanwhile is polled instead.
 */
export async function resolveUnknownContainer(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post } = job
  if (post.publishId) return toPolling(d, job)
  if (post.initCount >= MAX_INITS_PER_POST) return failJob(d, job, 'instagram_unavailable', false)
  await d.domain.postState.note(
    post.id,
    'container_outcome_unknown_retry',
    {
      phase: 'init',
      attempts: post.attempts + 1,
      nextRunAt: new Date(Date.now() + retryDelayMs(d.config, post.attempts)),
      waitReason: 'container_outcome_unknown_retry',
    },
    { cause: 'worker', owner: job.owner },
  )
  return null
}
