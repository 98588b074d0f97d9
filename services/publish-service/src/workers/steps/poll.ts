import type { PublishStatus } from '@social-bridge/tiktok-client'
import { LimitReachedError } from '../../domain/creator-info.js'
import type { TikTokObservation } from '../../domain/post-state.js'
import { withAccessToken } from '../../domain/token-call.js'
import type { Job, StepResult, WorkerDeps } from '../deps.js'
import { failJob, waitForLimit } from './fail.js'

/**
 * Phases `poll`, `inbox`, `post_ids`: one `status/fetch` (docs/tiktok-api.md §3.8) within the
 * connection's 30/min (counted in PostgreSQL; a post waiting for a slot shows `waitingFor`
 * `status_rate_limit`). A 429 from TikTok only delays the next poll (run-job.ts); a 400
 * `invalid_publish_id` fails the post with a message asking to check the account. The answer is
 * applied through `postState.applyTikTok`, which
 * schedules the next look (capped exponential backoff while processing; slower after
 * SEND_TO_USER_INBOX and after PUBLISH_COMPLETE until post ids arrive). Past the deadline a
 * processing post fails with `status_timeout`; an inbox post or one waiting for ids stops polling
 * (webhooks can still move it).
 */
export async function runPoll(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post, owner } = job
  if (!post.publishId) return failJob(d, job, 'init_outcome_unknown', false)
  if (post.pollDeadlineAt && post.pollDeadlineAt.getTime() <= Date.now()) {
    if (post.phase === 'poll') return failJob(d, job, 'status_timeout', false)
    await d.queue.release(post.id, owner, { phase: 'done', nextRunAt: null })
    return null
  }
  let status: PublishStatus
  try {
    status = await fetchStatusCounted(d, post, post.publishId)
  } catch (err) {
    if (err instanceof LimitReachedError) return waitForLimit(d, job, 'status', err.retryAfterSec)
    throw err
  }
  job.signal.throwIfAborted() // the lease is gone or uncertain: the next holder polls again
  await d.domain.postState.applyTikTok(post.id, toObservation(status), { cause: 'poll', owner })
  return null
}

/**
 * One `status/fetch` of `publishId` (docs/tiktok-api.md §3.8) counted in the connection's 30/min
 * (a second slot when the token was invalid and the call is retried with a fresh one).
 * @throws LimitReachedError when no slot is free (nothing sent); AuthClientError; the TikTokError.
 */
export async function fetchStatusCounted(
  d: WorkerDeps,
  post: Job['post'],
  publishId: string,
): Promise<PublishStatus> {
  const reserve = async () => {
    const slot = await d.domain.quota.reserve(post.connectionId, 'status', post.id)
    if (!slot.ok) throw new LimitReachedError('status', slot.retryAfterSec)
    return true
  }
  await reserve()
  return withAccessToken(
    d.authClient,
    { connectionId: post.connectionId, tenantId: post.tenantId },
    (token) => d.tiktok.posting.fetchStatus(token, publishId),
    reserve,
  )
}

/** A status/fetch answer as an observation (post ids stay strings). */
export function toObservation(s: PublishStatus): TikTokObservation {
  return {
    status: s.status,
    ...(s.failReason ? { failReason: s.failReason } : {}),
    postIds: s.publicalyAvailablePostId,
  }
}
