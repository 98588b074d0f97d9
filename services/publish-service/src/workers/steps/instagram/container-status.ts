import type { ContainerStatus } from '@social-bridge/instagram-client'
import type { Job, StepResult, WorkerDeps } from '../../deps.js'
import { failJob } from '../fail.js'
import { withInstagram } from './graph-call.js'

/** One `GET /{container-id}?fields=status_code,status` of the post's container (docs/instagram-api.md "Publishing"). */
export function fetchContainerStatus(d: WorkerDeps, post: Job['post']): Promise<ContainerStatus> {
  const containerId = post.publishId ?? ''
  return withInstagram(d, post, (token) => d.instagram.publishing.containerStatus(token, containerId))
}

/** The fail reason of a container that ended in ERROR: `container_error[_<subcode>]`. */
export function containerErrorReason(status: ContainerStatus): string {
  return status.errorSubcode ? `container_error_${status.errorSubcode}` : 'container_error'
}

/**
 * Phase `poll` of a Reel: reads the container's `status_code` (docs/instagram-api.md
 * "Publishing"). FINISHED → phase `publish` at once (same lease); IN_PROGRESS → again after
 * `INSTAGRAM_CONTAINER_POLL_INTERVAL_MS`, failing `container_timeout` once
 * `INSTAGRAM_CONTAINER_POLL_DEADLINE_MS` have passed since creation; ERROR → failed
 * `container_error[_<subcode>]`; EXPIRED (not published within 24 h) → failed
 * `container_expired`; PUBLISHED → published (see {@link recordPublishedWithoutId}).
 */
export async function pollContainer(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post, owner } = job
  const status = await fetchContainerStatus(d, post)
  job.signal.throwIfAborted() // the lease is gone or uncertain: the next holder reads it again
  switch (status.statusCode) {
    case 'FINISHED': {
      const ok = await d.queue.update(post.id, owner, { phase: 'publish', attempts: 0 })
      return ok ? { ...post, phase: 'publish', attempts: 0 } : null
    }
    case 'IN_PROGRESS': {
      if (post.pollDeadlineAt && post.pollDeadlineAt.getTime() <= Date.now())
        return failJob(d, job, 'container_timeout', false)
      const nextRunAt = new Date(Date.now() + d.config.INSTAGRAM_CONTAINER_POLL_INTERVAL_MS)
      await d.queue.release(post.id, owner, { nextRunAt, pollCount: post.pollCount + 1, attempts: 0 })
      return null
    }
    case 'ERROR':
      d.log.info({ postId: post.id, containerId: post.publishId, status: status.status }, 'Reel container ERROR')
      return failJob(d, job, containerErrorReason(status), false)
    case 'EXPIRED':
      return failJob(d, job, 'container_expired', false)
    case 'PUBLISHED':
      return recordPublishedWithoutId(d, job)
  }
}

/**
 * The container says PUBLISHED but no media id was recorded: a worker stopped between
 * `media_publish` and recording its answer. The post is published — never published again — and
 * its history notes that the media id was not received (`instagram_media_id_unknown`).
 */
export async function recordPublishedWithoutId(d: WorkerDeps, job: Job): Promise<StepResult> {
  const actor = { cause: 'worker' as const, owner: job.owner, keepLease: true }
  await d.domain.postState.note(job.post.id, 'instagram_media_id_unknown', {}, actor)
  await d.domain.postState.recordPublished(job.post.id, {}, { cause: 'worker', owner: job.owner })
  d.log.warn({ postId: job.post.id, containerId: job.post.publishId }, 'Reel found published; media id unknown')
  return null
}
