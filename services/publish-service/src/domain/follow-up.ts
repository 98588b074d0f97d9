import type { PostRow } from '../db/schema.js'
import type { PostStatus } from '../repositories/post-record.js'

/** Timing of the worker's follow-up after a status change, ms. */
export interface PollTiming {
  POLL_INITIAL_INTERVAL_MS: number
  POLL_MAX_INTERVAL_MS: number
  POST_ID_POLL_INTERVAL_MS: number
  POST_ID_POLL_DEADLINE_MS: number
  INBOX_POLL_INTERVAL_MS: number
  INBOX_POLL_DEADLINE_MS: number
}

/**
 * Phase, schedule and deadline that follow a status (see src/workers/README.md): capped
 * exponential polls while processing, slower polls after SEND_TO_USER_INBOX and after
 * PUBLISH_COMPLETE until post ids arrive (docs/tiktok-api.md §3.8), nothing once final.
 * `enteredNow`: the post just reached `status` (deadlines restart).
 */
export function followUpAfter(
  timing: PollTiming,
  row: PostRow,
  status: PostStatus,
  enteredNow: boolean,
): Partial<PostRow> {
  const now = Date.now()
  const at = (ms: number) => new Date(now + ms)
  // A slow-poll phase: entering it (again) restarts its deadline; staying in it only reschedules.
  const waitIn = (phase: 'post_ids' | 'inbox', intervalMs: number, deadlineMs: number): Partial<PostRow> =>
    enteredNow || row.phase !== phase
      ? { phase, nextRunAt: at(intervalMs), pollDeadlineAt: at(deadlineMs) }
      : { nextRunAt: at(intervalMs) }
  if (status === 'failed') return { phase: 'done', nextRunAt: null }
  if (status === 'published') {
    // TikTok fills post ids only for publicly viewable posts (§3.8): a direct post with another
    // privacy level never gets one, so there is nothing to wait for (a webhook can still add it).
    const neverPublic = row.mode === 'direct' && row.privacyLevel !== 'PUBLIC_TO_EVERYONE'
    if (row.tiktokPostIds.length > 0 || neverPublic) return { phase: 'done', nextRunAt: null }
    return waitIn('post_ids', timing.POST_ID_POLL_INTERVAL_MS, timing.POST_ID_POLL_DEADLINE_MS)
  }
  if (status === 'sent_to_inbox') {
    return waitIn('inbox', timing.INBOX_POLL_INTERVAL_MS, timing.INBOX_POLL_DEADLINE_MS)
  }
  const delay = Math.min(timing.POLL_MAX_INTERVAL_MS, timing.POLL_INITIAL_INTERVAL_MS * 2 ** row.pollCount)
  return { phase: 'poll', nextRunAt: at(delay) }
}
