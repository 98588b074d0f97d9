import type { PublishStatus } from '@social-bridge/tiktok-client'
import type { TikTokObservation } from '../../plugins/app/post-state.js'
import { withAccessToken } from '../../plugins/app/token-call.js'
import type { Job, StepResult, WorkerDeps } from '../deps.js'
import { failJob, retryJobLater } from './fail.js'

/**
 * Phases `poll`, `inbox`, `post_ids`: one `status/fetch` (REFERENCE.md §3.8) within the
 * connection's 30/min (counted in PostgreSQL), applied through `postState.applyTikTok`, which
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
  const slot = await d.domain.quota.reserve(post.connectionId, 'status', post.id)
  if (!slot.ok) return retryJobLater(d, job, slot.retryAfterSec * 1000)
  const publishId = post.publishId
  const status = await withAccessToken(
    d.leases,
    { connectionId: post.connectionId, tenantId: post.tenantId },
    (token) => d.tiktok.posting.fetchStatus(token, publishId),
    async () => (await d.domain.quota.reserve(post.connectionId, 'status', post.id)).ok,
  )
  await d.domain.postState.applyTikTok(post.id, toObservation(status), { cause: 'poll', owner })
  return null
}

/** A status/fetch answer as an observation (post ids stay strings). */
export function toObservation(s: PublishStatus): TikTokObservation {
  return {
    status: s.status,
    ...(s.failReason ? { failReason: s.failReason } : {}),
    postIds: s.publicalyAvailablePostId,
  }
}
