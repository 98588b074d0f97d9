import { TikTokError } from '@social-bridge/tiktok-client'
import type { Job, StepResult, WorkerDeps } from '../deps.js'
import { runInit } from '../steps/init.js'
import { resolveUnknownInit } from '../steps/init-outcome.js'
import { runPoll } from '../steps/poll.js'
import { runStart } from '../steps/start.js'
import { runUpload } from '../steps/upload.js'
import type { WorkerProvider } from './provider.js'

/** TikTok's steps by phase (src/workers/README.md "Phases"). */
function runStep(d: WorkerDeps, job: Job): Promise<StepResult> {
  switch (job.post.phase) {
    case 'init':
      return job.post.status === 'scheduled' ? runStart(d, job) : runInit(d, job)
    case 'initiating':
      // A worker died (or lost its lease) between "initiating" and recording the result.
      return resolveUnknownInit(d, job)
    case 'upload':
      return runUpload(d, job)
    case 'poll':
    case 'inbox':
    case 'post_ids':
      return runPoll(d, job)
    default:
      return d.queue.release(job.post.id, job.owner, { nextRunAt: null }).then(() => null)
  }
}

/** TikTok's posting (docs/tiktok-api.md §3): a 429 waits, a non-retryable error fails with TikTok's code. */
export const tiktokWorker: WorkerProvider = {
  runStep,
  classify(err) {
    if (!(err instanceof TikTokError)) return null
    if (err.category === 'rate_limited')
      return { kind: 'rate_limited', retryAfterMs: err.retryAfterMs ?? 60_000 }
    if (err.category !== 'retryable') return { kind: 'rejected', reason: err.tiktokCode ?? err.code }
    return null
  },
  unavailableReason: 'tiktok_unavailable',
  rateLimitedWaitReason: 'tiktok_rate_limited',
}
