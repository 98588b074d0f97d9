import type { Post } from '@social-bridge/contracts'
import type { BridgeApi } from './api.js'

/**
 * True once nothing more will change for the composer: failed, in the inbox, or published with
 * its TikTok post id (TikTok reports the id a little after `PUBLISH_COMPLETE`, when the post is
 * public, docs/tiktok-api.md §3.8; a `SELF_ONLY` post never gets one).
 */
export function isSettled(p: Post): boolean {
  if (p.status === 'failed' || p.status === 'sent_to_inbox') return true
  return p.status === 'published' && (p.tiktokPostIds.length > 0 || p.privacyLevel === 'SELF_ONLY')
}

/** Polling delays, ms: the first, the growth factor per unchanged answer, the ceiling. */
export const POLL = { firstMs: 1000, factor: 1.5, maxMs: 15_000, giveUpMs: 15 * 60_000 }

/**
 * Follows `GET /v1/posts/:id` until the post is settled (`isSettled`) or 15 minutes passed,
 * calling `onPost` with each answer that changed. Polls with backoff (POLL: 1 s, ×1.5 while
 * nothing changes, at most 15 s; back to 1 s on a change; a failed request waits the same way). When the gateway offers the
 * CRM event stream (`GET /v1/events`, text/event-stream), each event there triggers a poll at
 * once, so status shows live; without it polling alone carries on. Returns a stop function.
 */
export function followPost(api: BridgeApi, id: string, onPost: (p: Post) => void): () => void {
  let stopped = false
  let delay = POLL.firstMs
  let timer: ReturnType<typeof setTimeout> | undefined
  let last = ''
  const giveUpAt = Date.now() + POLL.giveUpMs
  const events = new AbortController()

  const poll = async () => {
    clearTimeout(timer)
    if (stopped) return
    try {
      const post = await api.post(id)
      const seen = JSON.stringify([post.status, post.history?.length, post.tiktokPostIds, post.waitingFor])
      if (seen !== last) {
        last = seen
        delay = POLL.firstMs
        onPost(post)
      } else delay = Math.min(delay * POLL.factor, POLL.maxMs)
      if (isSettled(post) || Date.now() > giveUpAt) return stop()
    } catch {
      delay = Math.min(delay * POLL.factor, POLL.maxMs)
    }
    if (!stopped) timer = setTimeout(poll, delay)
  }
  const stop = () => {
    stopped = true
    clearTimeout(timer)
    events.abort()
  }
  void nudgeOnEvents(api, events.signal, () => void poll())
  void poll()
  return stop
}

/** Reads `GET /v1/events` when the gateway has it, calling `nudge` per event; returns quietly otherwise. */
async function nudgeOnEvents(api: BridgeApi, signal: AbortSignal, nudge: () => void): Promise<void> {
  try {
    const token = await api.getToken()
    const res = await fetch(api.url('/events'), {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
      signal,
    })
    if (!res.ok || !res.headers.get('content-type')?.startsWith('text/event-stream') || !res.body) return
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      if (value.includes('data:')) nudge()
    }
  } catch {
    // no event stream (404 before the events issue lands, or closed): polling carries on
  }
}
