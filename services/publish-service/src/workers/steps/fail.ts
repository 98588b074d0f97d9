import type { QuotaKind } from '../../db/schema.js'
import { limitWaitReason, type WaitReason } from '../../domain/wait-reasons.js'
import type { Job, StepResult, WorkerDeps } from '../deps.js'

/**
 * Fails the job's post with `reason` (TikTok's code or ours). `releaseInboxDraft`: TikTok
 * certainly holds no draft for this post, so its inbox reservation is given back.
 */
export async function failJob(
  d: WorkerDeps,
  job: Job,
  reason: string,
  releaseInboxDraft: boolean,
): Promise<StepResult> {
  await d.domain.postState.fail(job.post.id, reason, { cause: 'worker', owner: job.owner })
  if (releaseInboxDraft && job.post.mode === 'inbox') {
    await d.domain.quota.release(job.post.id, 'inbox_share')
    await d.domain.quota.announce(job.post.connectionId, job.post.tenantId)
  }
  d.log.info({ postId: job.post.id, reason }, 'post failed')
  return null
}

/**
 * Gives the lease back and runs the job again after `delayMs` (ms), with `patch` written.
 * `reason` is what the CRM sees as the Post's `waitingFor` until then (with `next_run_at`).
 */
export async function retryJobLater(
  d: WorkerDeps,
  job: Job,
  delayMs: number,
  reason: WaitReason,
  patch: Parameters<WorkerDeps['queue']['release']>[2] = {},
): Promise<StepResult> {
  await d.queue.release(job.post.id, job.owner, {
    nextRunAt: new Date(Date.now() + delayMs),
    waitReason: reason,
    ...patch,
  })
  return null
}

/** Waits for a per-token limit counted in PostgreSQL (`retryAfterSec` s); the CRM sees why and until when. */
export function waitForLimit(
  d: WorkerDeps,
  job: Job,
  kind: QuotaKind,
  retryAfterSec: number,
): Promise<StepResult> {
  return retryJobLater(d, job, retryAfterSec * 1000, limitWaitReason(kind))
}
