import {
  buildPlan,
  type ChunkAck,
  type ChunkPlan,
  TikTokError,
  TikTokUploadError,
  TikTokUploadProgressUnknownError,
  TikTokUploadUrlExpiredError,
  type VideoContentType,
} from '@social-bridge/tiktok-client'
import {
  type Job,
  MAX_INITS_PER_POST,
  MAX_STEP_ATTEMPTS,
  retryDelayMs,
  type StepResult,
  UPLOAD_URL_MARGIN_MS,
  type WorkerDeps,
} from '../deps.js'
import { LeaseLostError } from '../job-queue.js'
import { failJob, retryJobLater } from './fail.js'
import { fetchStatusCounted } from './poll.js'

/**
 * Phase `upload` (docs/tiktok-api.md §3.5): sends the chunks with tiktok-client `transfer.uploadVideo`
 * from `next_chunk` on, reading each chunk's byte range from the object store, and records every
 * acknowledged chunk (fenced by the lease) before the next is sent — a crash resumes at the next
 * chunk. 5xx chunks are retried with backoff by the client. A 416 resumes where TikTok's progress
 * header says or, when it has none, where the status's `uploaded_bytes` says (one `status/fetch`
 * in the 30/min budget). Once every chunk was acknowledged the post is `processing` and only its
 * status is fetched, whatever the URL's age. Only an upload
 * URL that expired (1 h, or 403) before all bytes were sent starts over with a fresh init; an
 * upload TikTok no longer accepts (404: it may hold every byte already) is reconciled by status.
 */
export async function runUpload(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post } = job
  if (!post.videoSize || !post.chunkSize || !post.totalChunkCount)
    return failJob(d, job, 'media_missing', false)
  const plan = buildPlan(post.videoSize, post.chunkSize, post.totalChunkCount)
  if (post.nextChunk >= plan.totalChunkCount) return toProcessing(d, job, plan)
  const expiresAt = post.uploadUrlExpiresAt?.getTime() ?? 0
  if (expiresAt - UPLOAD_URL_MARGIN_MS <= Date.now()) return freshInit(d, job, 'upload_url_expired')
  const uploadUrl = await openUploadUrl(d, post)
  if (!uploadUrl) return freshInit(d, job, 'upload_url_unreadable')
  const media = await d.domain.media.get(post.tenantId, post.mediaId ?? '')
  if (!media) return failJob(d, job, 'media_missing', false)
  const { owner } = job
  const reader = await d.mediaStore.openRangeReader(media.objectName)
  const onChunkAcknowledged = async (ack: ChunkAck) => {
    const recorded = await d.queue.update(post.id, owner, {
      nextChunk: ack.chunkIndex + 1,
      uploadedBytes: ack.uploadedBytes,
      leaseUntil: new Date(Date.now() + d.config.WORKER_LEASE_MS),
    })
    if (!recorded) throw new LeaseLostError('lease lost during upload')
    await d.hooks?.afterChunkRecorded?.(post.id, ack.chunkIndex, plan.totalChunkCount)
  }
  try {
    await d.tiktok.transfer.uploadVideo({
      uploadUrl,
      chunkPlan: plan,
      source: (first, last) => reader.read(first, last),
      contentType: media.contentType as VideoContentType,
      startChunk: post.nextChunk,
      onChunkAcknowledged,
      fetchUploadedBytes: () => uploadedBytesAtTikTok(d, job),
      retryBaseDelayMs: d.config.CHUNK_RETRY_BASE_DELAY_MS,
      signal: job.signal,
    })
  } catch (err) {
    // awaited here: returned as a promise, a rejection would sit unhandled while `finally` awaits
    return await onUploadError(d, job, err)
  } finally {
    await reader.close()
  }
  return toProcessing(d, job, plan)
}

/**
 * The post's upload URL, opened from `upload_url_sealed`; null when there is none or it cannot be
 * opened (sealed under another `INTERNAL_JWT_SECRET`, or a post stored before URLs were sealed:
 * migration 0003 dropped those), so the upload starts over with a fresh init.
 */
async function openUploadUrl(d: WorkerDeps, post: Job['post']): Promise<string | null> {
  if (!post.uploadUrlSealed || !post.publishId) return null
  const url = await d.domain.uploadUrls.open(post.uploadUrlSealed, {
    postId: post.id,
    publishId: post.publishId,
  })
  if (!url) d.log.warn({ postId: post.id, publishId: post.publishId }, 'stored upload URL cannot be opened')
  return url
}

/** Every chunk is acknowledged: the post is `processing` and its status is polled. */
async function toProcessing(d: WorkerDeps, job: Job, plan: ChunkPlan): Promise<StepResult> {
  const { post, owner } = job
  job.signal.throwIfAborted() // lease gone or uncertain: the next holder finds every chunk recorded
  await d.domain.postState.move(
    post.id,
    'processing',
    {
      phase: 'poll',
      attempts: 0,
      nextChunk: plan.totalChunkCount,
      uploadedBytes: plan.videoSize,
      nextRunAt: new Date(Date.now() + d.config.POLL_INITIAL_INTERVAL_MS),
    },
    { cause: 'worker', owner },
  )
  d.log.info({ postId: post.id, chunks: plan.totalChunkCount }, 'upload complete')
  return null
}

/** An error of the status check behind a 416 (not of the upload): handled as any step's error (run-job.ts). */
class ProgressCheckError extends Error {
  override name = 'ProgressCheckError'
}

/**
 * Bytes TikTok holds for the post's publish: `uploaded_bytes` of one `status/fetch` (§3.8),
 * reserved in the connection's 30/min status budget. Asked by the client on a 416 that carries
 * no progress `Content-Range` (§3.5).
 * @throws ProgressCheckError wrapping LimitReachedError, a lease error or the TikTokError.
 * @throws TikTokUploadProgressUnknownError when the status does not report `uploaded_bytes`.
 */
async function uploadedBytesAtTikTok(d: WorkerDeps, job: Job): Promise<number> {
  const { post } = job
  const publishId = post.publishId ?? ''
  let uploadedBytes: number | undefined
  try {
    uploadedBytes = (await fetchStatusCounted(d, post, publishId)).uploadedBytes
  } catch (err) {
    throw new ProgressCheckError('status check after a 416 failed', { cause: err })
  }
  d.log.info({ postId: post.id, publishId, uploadedBytes }, '416 without progress: resuming from the status')
  if (uploadedBytes === undefined) {
    throw new TikTokUploadProgressUnknownError('416 without progress, and the status has no uploaded_bytes')
  }
  return uploadedBytes
}

async function onUploadError(d: WorkerDeps, job: Job, err: unknown): Promise<StepResult> {
  if (err instanceof LeaseLostError || job.signal.aborted) throw err
  if (err instanceof ProgressCheckError) throw err.cause
  if (err instanceof TikTokUploadUrlExpiredError) return freshInit(d, job, 'upload_url_expired')
  if (err instanceof TikTokUploadError && err.httpStatus === 404) return reconcileByStatus(d, job)
  const transient = err instanceof TikTokError && (err.retryable || (err.httpStatus ?? 0) >= 500)
  if (!transient) {
    d.log.warn({ postId: job.post.id, err }, 'upload rejected')
    return failJob(d, job, 'upload_rejected', false)
  }
  if (job.post.attempts + 1 >= MAX_STEP_ATTEMPTS) return failJob(d, job, 'tiktok_unavailable', false)
  // Re-read the post's progress on the next run: acknowledged chunks stay recorded.
  return retryJobLater(d, job, retryDelayMs(d.config, job.post.attempts), 'temporarily_unavailable', {
    attempts: job.post.attempts + 1,
  })
}

/**
 * TikTok answered 404 to a chunk: it has no upload waiting for bytes under this URL — it may
 * have every byte already (the last acknowledgement got lost) and be publishing. The publish_id
 * is known, so its status decides (never a new init); noted in the status history.
 */
async function reconcileByStatus(d: WorkerDeps, job: Job): Promise<StepResult> {
  d.log.warn({ postId: job.post.id, publishId: job.post.publishId }, 'upload not accepted; checking status')
  await d.domain.postState.note(
    job.post.id,
    'upload_not_accepted',
    // the URL has no use any more: only the status is fetched from here on
    { phase: 'poll', attempts: 0, nextRunAt: new Date(), uploadUrlSealed: null, uploadUrlExpiresAt: null },
    { cause: 'worker', owner: job.owner },
  )
  return null
}

/**
 * The upload URL expired (valid 1 h, §3.2) — or cannot be read back (`upload_url_unreadable`) —
 * before every chunk was acknowledged: the old publish can never complete, so start over with a
 * fresh init from chunk 0 (noted in the status history). Gives up after MAX_INITS_PER_POST.
 */
async function freshInit(
  d: WorkerDeps,
  job: Job,
  reason: 'upload_url_expired' | 'upload_url_unreadable',
): Promise<StepResult> {
  if (job.post.initCount >= MAX_INITS_PER_POST) return failJob(d, job, reason, false)
  d.log.warn(
    { postId: job.post.id, publishId: job.post.publishId, reason },
    'starting over with a fresh init',
  )
  const patch = {
    phase: 'init',
    publishId: null,
    uploadUrlSealed: null,
    uploadUrlExpiresAt: null,
    nextChunk: 0,
    uploadedBytes: 0,
    nextRunAt: new Date(),
  }
  const next = await d.domain.postState.note(job.post.id, reason, patch, {
    cause: 'worker',
    owner: job.owner,
    keepLease: true,
  })
  return next
}
