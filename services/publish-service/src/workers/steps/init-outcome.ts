import { AuthClientError } from '@social-bridge/auth-client'
import { type InitResult, type planChunks, TikTokError } from '@social-bridge/tiktok-client'
import { LimitReachedError } from '../../domain/creator-info.js'
import { limitWaitReason } from '../../domain/wait-reasons.js'
import {
  type Job,
  MAX_INITS_PER_POST,
  retryDelayMs,
  type StepResult,
  UPLOAD_URL_TTL_MS,
  type WorkerDeps,
} from '../deps.js'
import { failJob, retryJobLater } from './fail.js'

/**
 * Stores a successful init's `publish_id`, upload URL (sealed, `upload-url-vault.ts`; + expiry:
 * init time + 1 h, docs/tiktok-api.md §3.2) and chunk plan through `postState.recordInit`, which writes them whenever the post has no
 * publish yet — even when this worker lost its lease during the call — so a publish TikTok
 * created is never dropped. Goes on with the upload only while still holding the lease.
 */
export async function recordInitResult(
  d: WorkerDeps,
  job: Job,
  result: InitResult,
  plan: ReturnType<typeof planChunks> | undefined,
  startedAt: number,
): Promise<StepResult> {
  const { post } = job
  const file = post.source === 'FILE_UPLOAD'
  const now = Date.now()
  const binding = { postId: post.id, publishId: result.publishId }
  const uploadUrlSealed = result.uploadUrl ? await d.domain.uploadUrls.seal(result.uploadUrl, binding) : null
  const {
    recorded,
    post: row,
    holdsLease,
  } = await d.domain.postState.recordInit(
    post.id,
    file ? 'uploading' : 'processing',
    {
      phase: file ? 'upload' : 'poll',
      publishId: result.publishId,
      uploadUrlSealed,
      uploadUrlExpiresAt: file ? new Date(startedAt + UPLOAD_URL_TTL_MS) : null,
      videoSize: plan?.videoSize ?? null,
      chunkSize: plan?.chunkSize ?? null,
      totalChunkCount: plan?.totalChunkCount ?? null,
      nextChunk: 0,
      uploadedBytes: 0,
      attempts: 0,
      pollCount: 0,
      pollDeadlineAt: new Date(now + d.config.POLL_DEADLINE_MS),
      nextRunAt: new Date(file ? now : now + d.config.POLL_INITIAL_INTERVAL_MS),
    },
    { cause: 'worker', owner: job.owner, keepLease: file },
  )
  if (!recorded) {
    // Another init of this post is stored already (FILE_UPLOAD: this publish never gets a byte
    // and lapses with its URL), or the post ended meanwhile.
    d.log.warn(
      { postId: post.id, publishId: result.publishId, status: row?.status },
      'init result not recorded: the post has a publish already or has ended',
    )
    return holdsLease ? row : null
  }
  d.log.info({ postId: post.id, publishId: result.publishId, holdsLease }, 'post initialised at TikTok')
  return holdsLease ? row : null
}

/** Connection errors raised before a request could reach TikTok. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'])

function neverSent(err: TikTokError): boolean {
  const cause = err.cause as { code?: string; cause?: { code?: string } } | undefined
  const code = cause?.code ?? cause?.cause?.code
  return err.code === 'TIKTOK_CONNECTION_ERROR' && code !== undefined && NOT_SENT.has(code)
}

/**
 * An init that failed. TikTok answered a definite "no" (4xx, 429) or never got the request
 * (no access token, connection refused, our own limit): the post goes back to `init` (or fails on
 * a permanent rejection). A timeout, reset or 5xx leaves the outcome unknown: `resolveUnknownInit`.
 */
export async function onInitError(d: WorkerDeps, job: Job, err: unknown): Promise<StepResult> {
  const back = { phase: 'init', initCount: job.post.initCount - 1 }
  if (err instanceof AuthClientError) {
    await d.queue.update(job.post.id, job.owner, back)
    throw err
  }
  if (err instanceof LimitReachedError)
    return retryJobLater(d, job, err.retryAfterSec * 1000, limitWaitReason(err.kind), back)
  if (err instanceof TikTokError) {
    if (err.category === 'rate_limited')
      return retryJobLater(d, job, err.retryAfterMs ?? 60_000, 'tiktok_rate_limited', back)
    if (neverSent(err))
      return retryJobLater(d, job, retryDelayMs(d.config, job.post.attempts), 'temporarily_unavailable', {
        ...back,
        attempts: job.post.attempts + 1,
      })
    if (err.category !== 'retryable') return failJob(d, job, err.tiktokCode ?? err.code, true)
  }
  d.log.warn({ postId: job.post.id, err }, 'init outcome unknown')
  return resolveUnknownInit(d, job)
}

/**
 * The rule for an init whose outcome is unknown (timeout, connection reset, 5xx, or a worker
 * that died while `initiating`): TikTok may have created a publish we never heard of.
 * - A `publish_id` is known after all (a late result was recorded): reconcile, never re-init.
 * - FILE_UPLOAD: a publish created without us receiving its `upload_url` can never get a byte
 *   and lapses with that URL, so it cannot become a post: a fresh init cannot duplicate the
 *   video. It is written to the status history (`init_outcome_unknown_retry`), shown as the
 *   Post's `waitingFor`, takes a new slot of the 6 inits/min like any init, and is bounded by
 *   MAX_INITS_PER_POST inits in all.
 * - PULL_FROM_URL: TikTok could be downloading and publishing it right now, and without a
 *   `publish_id` nothing can be checked: fail with `init_outcome_unknown`, whose message asks the
 *   CRM user to check the TikTok account (never re-init).
 */
export async function resolveUnknownInit(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post } = job
  if (post.publishId) return reconcileKnownPublish(d, job)
  if (post.source === 'FILE_UPLOAD' && post.initCount < MAX_INITS_PER_POST) {
    const delayMs = retryDelayMs(d.config, post.attempts)
    await d.domain.postState.note(
      post.id,
      'init_outcome_unknown_retry',
      {
        phase: 'init',
        attempts: post.attempts + 1,
        nextRunAt: new Date(Date.now() + delayMs),
        waitReason: 'init_outcome_unknown_retry',
      },
      { cause: 'worker', owner: job.owner },
    )
    return null
  }
  return failJob(d, job, 'init_outcome_unknown', false)
}

/**
 * A post whose `publish_id` is known is never initialised again: FILE_UPLOAD goes (back) to
 * `upload` (which resumes, reconciles by status once every chunk was acknowledged, or starts over
 * only if the URL expired before all bytes were sent); PULL_FROM_URL goes to status polling.
 */
export async function reconcileKnownPublish(d: WorkerDeps, job: Job): Promise<StepResult> {
  const phase = job.post.source === 'FILE_UPLOAD' ? 'upload' : 'poll'
  const ok = await d.queue.update(job.post.id, job.owner, { phase })
  return ok ? { ...job.post, phase } : null
}
