import { InstagramGraphError } from '@social-bridge/instagram-client'
import type { Job, StepResult, WorkerDeps } from '../deps.js'
import { createContainer, resolveUnknownContainer } from '../steps/instagram/container.js'
import { pollContainer } from '../steps/instagram/container-status.js'
import { GRAPH_RATE_LIMIT_BACKOFF_MS, graphFailReason } from '../steps/instagram/graph-call.js'
import { publishReel, resolvePublishing } from '../steps/instagram/media-publish.js'
import type { WorkerProvider } from './provider.js'

/**
 * A scheduled Reel whose time came: Instagram has no per-post reservation to take before it may
 * start (the publishing limit is read at publish time), so it moves `scheduled → queued` and goes on.
 */
async function startReel(d: WorkerDeps, job: Job): Promise<StepResult> {
  const actor = { cause: 'worker' as const, owner: job.owner, keepLease: true }
  return d.domain.postState.move(job.post.id, 'queued', { waitReason: null }, actor)
}

/** A Reel's steps by phase (src/workers/README.md "Reels"). */
function runStep(d: WorkerDeps, job: Job): Promise<StepResult> {
  switch (job.post.phase) {
    case 'init':
      return job.post.status === 'scheduled' ? startReel(d, job) : createContainer(d, job)
    case 'initiating':
      return resolveUnknownContainer(d, job)
    case 'poll':
      return pollContainer(d, job)
    case 'publish':
      return publishReel(d, job)
    case 'publishing':
      return resolvePublishing(d, job)
    default:
      return d.queue.release(job.post.id, job.owner, { nextRunAt: null }).then(() => null)
  }
}

/** Instagram Reels publishing (docs/instagram-api.md "Publishing"). */
export const instagramWorker: WorkerProvider = {
  runStep,
  classify(err) {
    if (!(err instanceof InstagramGraphError)) return null
    if (err.category === 'rate_limited')
      return { kind: 'rate_limited', retryAfterMs: GRAPH_RATE_LIMIT_BACKOFF_MS }
    if (err.category === 'grant_invalid') return { kind: 'rejected', reason: 'reauth_required' }
    if (err.category === 'failed') return { kind: 'rejected', reason: graphFailReason(err) }
    return null
  },
  unavailableReason: 'instagram_unavailable',
  rateLimitedWaitReason: 'instagram_rate_limited',
}
