import { AuthClientError } from '@social-bridge/auth-client'
import type { PostRow } from '../db/schema.js'
import { LimitReachedError } from '../domain/creator-info.js'
import { type Job, MAX_STEP_ATTEMPTS, retryDelayMs, type StepResult, type WorkerDeps } from './deps.js'
import { LeaseLostError } from './job-queue.js'
import { workerProviderOf } from './providers/index.js'
import { failJob, retryJobLater, waitForLimit } from './steps/fail.js'

/** Steps one job may chain while holding its lease (init → upload → …). */
const MAX_CHAINED_STEPS = 6

function runStep(d: WorkerDeps, job: Job): Promise<StepResult> {
  // Safe point between steps: a job whose lease is gone (or uncertain) or that is shutting down is not touched.
  job.signal.throwIfAborted()
  return workerProviderOf(job.post.provider).runStep(d, job)
}

/** The post's fail reason when auth-service says the connection cannot be used. */
const UNUSABLE_CONNECTION_REASON = {
  NOT_FOUND: 'connection_not_found',
  REAUTH_REQUIRED: 'reauth_required',
  CONNECTION_NOT_ACTIVE: 'connection_not_active',
} as const

/**
 * What to do with an error a step did not handle: job lease lost → nothing (another replica owns
 * the job); shutdown → give the job back at once; a connection that cannot post → fail; auth-
 * service or the network briefly down, or rate limited → retry later (never dropped; not before
 * auth-service's Retry-After); a permanent refusal → fail with the network's code (the post's
 * provider classifies its client's errors, `providers/`).
 */
async function onStepError(d: WorkerDeps, job: Job, err: unknown): Promise<void> {
  const { post } = job
  if (err instanceof LeaseLostError || (job.signal.reason instanceof LeaseLostError && job.signal.aborted))
    return
  if (job.signal.aborted) {
    await d.queue.release(post.id, job.owner, { nextRunAt: new Date() })
    return
  }
  if (err instanceof AuthClientError && err.code !== 'SERVICE_UNAVAILABLE') {
    await failJob(d, job, UNUSABLE_CONNECTION_REASON[err.code], post.initCount === 0)
    return
  }
  if (err instanceof LimitReachedError) {
    await waitForLimit(d, job, err.kind, err.retryAfterSec)
    return
  }
  const provider = workerProviderOf(post.provider)
  const verdict = provider.classify(err)
  if (verdict?.kind === 'rate_limited') {
    await retryJobLater(d, job, verdict.retryAfterMs, provider.rateLimitedWaitReason)
    return
  }
  if (verdict?.kind === 'rejected') {
    await failJob(d, job, verdict.reason, post.initCount === 0)
    return
  }
  d.log.warn({ postId: post.id, phase: post.phase, err }, 'step failed; will retry')
  if (post.phase === 'init' && post.attempts + 1 >= MAX_STEP_ATTEMPTS) {
    await failJob(d, job, provider.unavailableReason, post.initCount === 0)
    return
  }
  const delayMs = Math.max(
    retryDelayMs(d.config, post.attempts),
    err instanceof AuthClientError ? (err.retryAfterMs ?? 0) : 0,
  )
  await retryJobLater(d, job, delayMs, 'temporarily_unavailable', {
    attempts: post.attempts + 1,
  })
}

/**
 * Runs one claimed job to the end of what can be done now, renewing its lease every third of
 * `WORKER_LEASE_MS`. If a renewal finds the lease gone — or fails, so the lease may lapse unseen
 * and another replica take the job — the job's signal aborts with LeaseLostError: the step in
 * flight stops at its next safe point (an upload before its next chunk, an init before it is sent,
 * a poll before it is applied) and nothing more is written for the job; it is claimed again once
 * the lease lapses. `stopSignal` (shutdown) aborts too, and the job is handed back.
 */
export async function runJob(
  d: WorkerDeps,
  claimed: PostRow,
  owner: string,
  stopSignal: AbortSignal,
): Promise<void> {
  const controller = new AbortController()
  const onStop = () => controller.abort(stopSignal.reason)
  stopSignal.addEventListener('abort', onStop, { once: true })
  const heartbeat = setInterval(
    () => {
      if (controller.signal.aborted) return
      d.queue
        .renew(claimed.id, owner, d.config.WORKER_LEASE_MS)
        .then((held) => {
          if (!held) controller.abort(new LeaseLostError('lease lost'))
        })
        .catch((err) => {
          d.log.warn({ err, postId: claimed.id }, 'lease renewal failed; stopping the job')
          controller.abort(new LeaseLostError('lease renewal failed', { cause: err }))
        })
    },
    Math.max(50, Math.floor(d.config.WORKER_LEASE_MS / 3)),
  )
  let job: Job = { post: claimed, owner, signal: controller.signal }
  try {
    for (let i = 0; i < MAX_CHAINED_STEPS; i++) {
      const next = await runStep(d, job)
      if (!next) return
      job = { ...job, post: next }
    }
    await d.queue.release(job.post.id, owner, { nextRunAt: new Date() })
  } catch (err) {
    await onStepError(d, job, err).catch((e) =>
      d.log.error({ err: e, postId: claimed.id }, 'could not reschedule job'),
    )
  } finally {
    clearInterval(heartbeat)
    stopSignal.removeEventListener('abort', onStop)
  }
}
