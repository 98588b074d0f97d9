import { AuthClientError } from '@social-bridge/auth-client'
import {
  InstagramGraphError,
  isContainerNotReadyError,
  isPublishingLimitError,
} from '@social-bridge/instagram-client'
import { type Job, retryDelayMs, type StepResult, type WorkerDeps } from '../../deps.js'
import { failJob, retryJobLater } from '../fail.js'
import { containerErrorReason, fetchContainerStatus, recordPublishedWithoutId } from './container-status.js'
import { GRAPH_RATE_LIMIT_BACKOFF_MS, graphFailReason, withInstagram } from './graph-call.js'

/** Graph's subcode for publishing an expired container (docs/instagram-api.md "Errors"). */
const CONTAINER_EXPIRED_SUBCODE = 2207020

/** At the publishing limit: read it again after `INSTAGRAM_LIMIT_RECHECK_MS` (the CRM sees why and when). */
function waitForPublishingLimit(d: WorkerDeps, job: Job): Promise<StepResult> {
  const delay = d.config.INSTAGRAM_LIMIT_RECHECK_MS
  return retryJobLater(d, job, delay, 'instagram_publishing_limit', { phase: 'publish' })
}

/**
 * Phase `publish` of a Reel whose container is FINISHED (docs/instagram-api.md "Publishing"):
 * reads `content_publishing_limit` (the live quota: sources disagree on 100 or 50 a day) and,
 * at the limit, waits (`waitingFor` `instagram_publishing_limit`, read again after
 * `INSTAGRAM_LIMIT_RECHECK_MS`). Otherwise marks the post `publishing` — durably, before the
 * call — and calls `media_publish`; the media id is recorded with the move to `published` even if
 * the lease was lost meanwhile (`postState.recordPublished`). A container is never published twice:
 * a post found in `publishing` is reconciled by the container's status ({@link resolvePublishing}).
 */
export async function publishReel(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post } = job
  const limit = await withInstagram(d, post, (token, igUserId) =>
    d.instagram.publishing.publishingLimit(token, igUserId),
  )
  if (limit.quotaUsage >= limit.quotaTotal) {
    d.log.info({ postId: post.id, ...limit }, 'Instagram publishing limit reached; waiting')
    return waitForPublishingLimit(d, job)
  }
  job.signal.throwIfAborted() // last safe point before media_publish
  if (!(await d.queue.update(post.id, job.owner, { phase: 'publishing' }))) return null
  const current = { ...post, phase: 'publishing' }
  await d.hooks?.beforeMediaPublish?.(post.id)
  let mediaId: string
  try {
    ;({ mediaId } = await withInstagram(d, current, (token, igUserId) =>
      d.instagram.publishing.publishContainer(token, igUserId, post.publishId ?? ''),
    ))
  } catch (err) {
    return onPublishError(d, { ...job, post: current }, err)
  }
  await d.hooks?.afterMediaPublishResponse?.(post.id)
  await d.domain.postState.recordPublished(
    post.id,
    { instagramMediaId: mediaId },
    { cause: 'worker', owner: job.owner },
  )
  d.log.info({ postId: post.id, containerId: post.publishId, mediaId }, 'Reel published')
  return null
}

/**
 * `media_publish` failed. A definite "not published" (the limit, a container not ready yet, a
 * rate limit, no token, a connection never made) goes back to `publish` or `poll`; Graph's refusal
 * fails the post (an expired container as `container_expired`); a timeout, reset or 5xx leaves the
 * outcome open: the post stays `publishing` and is reconciled by status on the next run.
 */
async function onPublishError(d: WorkerDeps, job: Job, err: unknown): Promise<StepResult> {
  const back = { phase: 'publish' }
  if (err instanceof AuthClientError) {
    await d.queue.update(job.post.id, job.owner, back)
    throw err
  }
  if (isPublishingLimitError(err)) return waitForPublishingLimit(d, job)
  if (isContainerNotReadyError(err))
    return retryJobLater(d, job, d.config.INSTAGRAM_CONTAINER_POLL_INTERVAL_MS, 'temporarily_unavailable', {
      phase: 'poll',
    })
  if (err instanceof InstagramGraphError) {
    if (err.category === 'rate_limited')
      return retryJobLater(d, job, GRAPH_RATE_LIMIT_BACKOFF_MS, 'instagram_rate_limited', back)
    if (err.category === 'grant_invalid') return failJob(d, job, 'reauth_required', false)
    if (err.subcode === CONTAINER_EXPIRED_SUBCODE) return failJob(d, job, 'container_expired', false)
    if (err.category === 'failed') return failJob(d, job, graphFailReason(err), false)
  }
  d.log.warn({ postId: job.post.id, err }, 'media_publish outcome unknown; its container status decides')
  return retryJobLater(d, job, retryDelayMs(d.config, job.post.attempts), 'temporarily_unavailable', {
    attempts: job.post.attempts + 1,
  })
}

/**
 * Phase `publishing` found at a claim: `media_publish` was (maybe) sent but its answer never
 * recorded (a crash, a lost lease, a timeout). The container's status decides — never a second
 * publish of a published container: PUBLISHED → published ({@link recordPublishedWithoutId});
 * FINISHED → it was not published: back to `publish`; IN_PROGRESS → polling; ERROR/EXPIRED → failed.
 */
export async function resolvePublishing(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post, owner } = job
  const status = await fetchContainerStatus(d, post)
  job.signal.throwIfAborted()
  switch (status.statusCode) {
    case 'PUBLISHED':
      return recordPublishedWithoutId(d, job)
    case 'FINISHED': {
      const ok = await d.queue.update(post.id, owner, { phase: 'publish' })
      return ok ? { ...post, phase: 'publish' } : null
    }
    case 'IN_PROGRESS': {
      const ok = await d.queue.update(post.id, owner, { phase: 'poll' })
      return ok ? { ...post, phase: 'poll' } : null
    }
    case 'ERROR':
      return failJob(d, job, containerErrorReason(status), false)
    case 'EXPIRED':
      return failJob(d, job, 'container_expired', false)
  }
}
