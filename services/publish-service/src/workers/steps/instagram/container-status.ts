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
      d.log.info(
        { postId: post.id, containerId: post.publishId, status: status.status },
        'Reel container ERROR',
      )
      return failJob(d, job, containerErrorReason(status), false)
    case 'EXPIRED':
      return failJob(d, job, 'container_expired', false)
    case 'PUBLISHED':
      return recordPublishedWithoutId(d, job)
  }
}

/**
 * The media id of a Reel Instagram published for `post` whose `media_publish` answer was lost
 * (the container has no field naming it): among the account's 25 newest media, the Reels with
 * the post's caption that no other post holds — exactly one, else null. Best effort: a failed
 * listing gives null (the post is published either way).
 */
async function findPublishedMedia(d: WorkerDeps, post: Job['post']): Promise<string | null> {
  try {
    const recent = await withInstagram(d, post, (token, igUserId) =>
      d.instagram.publishing.recentMedia(token, igUserId, 25),
    )
    const caption = post.options.caption ?? ''
    const reels = recent.filter(
      (m) => (m.mediaProductType ?? 'REELS') === 'REELS' && (m.caption ?? '') === caption,
    )
    const taken = await d.domain.posts.takenInstagramMediaIds(reels.map((m) => m.id))
    const free = reels.filter((m) => !taken.has(m.id))
    return free.length === 1 ? (free[0]?.id ?? null) : null
  } catch (err) {
    d.log.warn({ postId: post.id, err }, 'could not list the account media to find the Reel')
    return null
  }
}

/**
 * The container says PUBLISHED but no media id was recorded: a worker stopped between
 * `media_publish` and recording its answer. The post is published — never published again — with
 * the media id found among the account's media ({@link findPublishedMedia}; history note
 * `instagram_media_id_found`) or without one (`instagram_media_id_unknown`).
 */
export async function recordPublishedWithoutId(d: WorkerDeps, job: Job): Promise<StepResult> {
  const mediaId = await findPublishedMedia(d, job.post)
  job.signal.throwIfAborted()
  const actor = { cause: 'worker' as const, owner: job.owner, keepLease: true }
  const note = mediaId ? 'instagram_media_id_found' : 'instagram_media_id_unknown'
  await d.domain.postState.note(job.post.id, note, {}, actor)
  await d.domain.postState.recordPublished(job.post.id, mediaId ? { instagramMediaId: mediaId } : {}, {
    cause: 'worker',
    owner: job.owner,
  })
  d.log.warn(
    { postId: job.post.id, containerId: job.post.publishId, mediaId },
    'Reel found published after a lost answer',
  )
  return null
}
