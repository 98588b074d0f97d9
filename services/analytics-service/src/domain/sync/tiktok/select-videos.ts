import { MAX_VIDEOS_PER_CALL } from '@social-bridge/tiktok-client'
import type { TrackedVideo } from '../../../repositories/videos-repository.js'

/**
 * Picks the videos one sync queries, in batches of at most 20 ids (docs/tiktok-api.md §2.4): every
 * due video (all of them on a full sync), and — since a batch costs one call whether it holds 1
 * or 20 ids — the last batch is topped up with the videos due soonest. `tracked` must be ordered
 * by due time.
 * @returns the batches, each ≤ 20 ids.
 */
export function selectBatches(tracked: readonly TrackedVideo[], now: Date, full: boolean): TrackedVideo[][] {
  const due = full ? tracked.length : tracked.filter((v) => v.nextSyncAt.getTime() <= now.getTime()).length
  const take = Math.min(tracked.length, Math.ceil(due / MAX_VIDEOS_PER_CALL) * MAX_VIDEOS_PER_CALL)
  const picked = tracked.slice(0, take)
  const batches: TrackedVideo[][] = []
  for (let i = 0; i < picked.length; i += MAX_VIDEOS_PER_CALL)
    batches.push(picked.slice(i, i + MAX_VIDEOS_PER_CALL))
  return batches
}
