import { type CreatorInfo, type InitResult, planChunks, TikTokError } from '@social-bridge/tiktok-client'
import { pullPrefixes } from '../../config.js'
import type { MediaRow, PostRow } from '../../db/schema.js'
import { checkAgainstCreatorInfo, checkPullUrl } from '../../plugins/app/creator-rules.js'
import { withAccessToken } from '../../plugins/app/token-call.js'
import { LeaseError } from '../../plugins/external/lease-client.js'
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
 * Phase `init`: re-checks the post against the live creator_info (REFERENCE.md §3.1), takes one
 * of the connection's 6 inits/min (counted in PostgreSQL), marks the post `initiating`, calls
 * video/init (§3.2) or inbox/video/init (§3.3), and records `publish_id`, the upload URL and its
 * expiry (1 h) in one transaction before any byte is sent. See src/workers/README.md for the
 * unknown-outcome rule.
 */
export async function runInit(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post } = job
  const conn = { connectionId: post.connectionId, tenantId: post.tenantId }
  let media: MediaRow | null = null
  if (post.source === 'FILE_UPLOAD') {
    media = await d.domain.media.get(post.tenantId, post.mediaId ?? '')
    if (!media || (await d.mediaStore.size(media.objectName)) === null)
      return failJob(d, job, 'media_missing', true)
  } else {
    const bad = checkPullUrl(post.videoUrl ?? '', pullPrefixes(d.config))
    if (bad) return failJob(d, job, bad.code, true)
  }

  let info: CreatorInfo | null = null
  try {
    info = await withAccessToken(d.leases, conn, (token) => d.tiktok.posting.queryCreatorInfo(token))
  } catch (err) {
    const skippable =
      post.mode === 'inbox' && err instanceof TikTokError && err.tiktokCode === 'scope_not_authorized'
    if (!skippable) throw err
  }
  if (info) {
    const violation = checkAgainstCreatorInfo(
      { title: post.title ?? undefined, privacyLevel: post.privacyLevel as never, ...post.options },
      info,
      media?.durationSec,
    )
    if (violation) return failJob(d, job, violation.code, true)
  }

  const slot = await d.domain.quota.reserve(post.connectionId, 'init', post.id)
  if (!slot.ok) return retryJobLater(d, job, slot.retryAfterSec * 1000)
  const marked = await d.queue.update(post.id, job.owner, {
    phase: 'initiating',
    initCount: post.initCount + 1,
  })
  if (!marked) return null
  const current: PostRow = { ...post, phase: 'initiating', initCount: post.initCount + 1 }

  const startedAt = Date.now()
  const plan = media ? planChunks(media.sizeBytes, d.config.CHUNK_SIZE_BYTES) : undefined
  let result: InitResult
  try {
    result = await withAccessToken(
      d.leases,
      conn,
      (token) => callInit(d, current, plan, token),
      async () => (await d.domain.quota.reserve(post.connectionId, 'init', post.id)).ok,
    )
  } catch (err) {
    return onInitError(d, { ...job, post: current }, err)
  }

  const file = post.source === 'FILE_UPLOAD'
  const now = Date.now()
  const next = await d.domain.postState.move(
    post.id,
    file ? 'uploading' : 'processing',
    {
      phase: file ? 'upload' : 'poll',
      publishId: result.publishId,
      uploadUrl: result.uploadUrl ?? null,
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
  d.log.info({ postId: post.id, publishId: result.publishId }, 'post initialised at TikTok')
  return file ? next : null
}

function callInit(
  d: WorkerDeps,
  post: PostRow,
  plan: ReturnType<typeof planChunks> | undefined,
  token: string,
): Promise<InitResult> {
  const source = plan
    ? { source: 'FILE_UPLOAD' as const, chunkPlan: plan }
    : { source: 'PULL_FROM_URL' as const, videoUrl: post.videoUrl ?? '' }
  if (post.mode === 'inbox') {
    return d.tiktok.posting.initInboxUpload(token, { source, ...(post.title ? { title: post.title } : {}) })
  }
  const o = post.options
  return d.tiktok.posting.initDirectPost(token, {
    postInfo: {
      privacyLevel: post.privacyLevel as never,
      ...(post.title ? { title: post.title } : {}),
      disableComment: o.disableComment,
      disableDuet: o.disableDuet,
      disableStitch: o.disableStitch,
      videoCoverTimestampMs: o.coverTimestampMs,
      brandContentToggle: o.brandContentToggle ?? false,
      brandOrganicToggle: o.brandOrganicToggle ?? false,
      isAigc: o.isAigc,
    },
    source,
  })
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
 * (lease failed, connection refused): the post goes back to `init` (or fails on a permanent
 * rejection). A timeout, reset or 5xx leaves the outcome unknown: `resolveUnknownInit`.
 */
async function onInitError(d: WorkerDeps, job: Job, err: unknown): Promise<StepResult> {
  const back = { phase: 'init', initCount: job.post.initCount - 1 }
  if (err instanceof LeaseError) {
    await d.queue.update(job.post.id, job.owner, back)
    throw err
  }
  if (err instanceof TikTokError) {
    if (err.category === 'rate_limited') return retryJobLater(d, job, err.retryAfterMs ?? 60_000, back)
    if (neverSent(err))
      return retryJobLater(d, job, retryDelayMs(d.config, job.post.attempts), {
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
 * - FILE_UPLOAD: a publish created without us receiving its `upload_url` can never get a byte
 *   and lapses with that URL, so it cannot become a post: a fresh init cannot duplicate the
 *   video. Re-init after a backoff, at most MAX_INITS_PER_POST inits in all.
 * - PULL_FROM_URL: TikTok could be downloading and publishing it right now, and without a
 *   `publish_id` nothing can be checked: fail safe with `init_outcome_unknown` (never re-init).
 */
export async function resolveUnknownInit(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post } = job
  if (post.source === 'FILE_UPLOAD' && post.initCount < MAX_INITS_PER_POST) {
    return retryJobLater(d, job, retryDelayMs(d.config, post.attempts), {
      phase: 'init',
      attempts: post.attempts + 1,
    })
  }
  return failJob(d, job, 'init_outcome_unknown', false)
}
