import type { Job, StepResult, WorkerDeps } from '../deps.js'
import { waitForLimit } from './fail.js'

/**
 * A `scheduled` post whose time came (claimed like any due job: one replica only, under a lease).
 * Takes what the post needs beyond the init limits before it may start — an inbox draft of the 5
 * per 24 h (docs/tiktok-api.md §3.3; reserved now, not when it was scheduled), or room under the
 * creator's ~15 direct posts a day (§3.10) — and otherwise waits for it (`waitingFor`
 * `inbox_draft_cap` / `daily_post_cap` with the retry time), never failing for it. Then moves the
 * post `scheduled → queued` (history + `status_changed` event) and goes on with the init step,
 * which checks creator_info again (§3.1: options and limits may have changed since scheduling).
 */
export async function runStart(d: WorkerDeps, job: Job): Promise<StepResult> {
  const { post } = job
  if (post.mode === 'inbox') {
    // One draft per post even when an earlier start died after reserving: give that one back first.
    await d.domain.quota.release(post.id, 'inbox_share')
    const draft = await d.domain.quota.reserve(post.connectionId, 'inbox_share', post.id)
    if (!draft.ok) return waitForLimit(d, job, 'inbox_share', draft.retryAfterSec)
  } else {
    const room = await d.domain.quota.peek(post.connectionId, 'direct_post')
    if (!room.ok) return waitForLimit(d, job, 'direct_post', room.retryAfterSec)
  }
  job.signal.throwIfAborted()
  const started = await d.domain.postState.move(
    post.id,
    'queued',
    { waitReason: null },
    { cause: 'worker', owner: job.owner, keepLease: true },
  )
  if (!started && post.mode === 'inbox') await d.domain.quota.release(post.id, 'inbox_share')
  return started
}
