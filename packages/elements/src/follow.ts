import type { Post } from '@social-bridge/contracts'
import type { BridgeApi } from './api.js'

/** Statuses after which the composer stops following a post. */
export const FINAL_STATUSES: ReadonlySet<Post['status']> = new Set(['published', 'sent_to_inbox', 'failed'])

/** Polling delays, ms: the first, the growth factor per unchanged answer, the ceiling. */
export const POLL = { firstMs: 1000, factor: 1.5, maxMs: 15_000 }

/**
 * Follows `GET /v1/posts/:id` until the post reaches a final status, calling `onPost` with each
 * answer that changed. Polls with backoff (POLL: 1 s, ×1.5 while nothing changes, at most 15 s;
 * back to 1 s on a change; a failed request waits the same way). When the gateway offers the
 * CRM event stream (`GET /v1/events`, text/event-stream), each event there triggers a poll at
 * once, so status shows live; without it polling alone carries on. Returns a stop function.
 */
export function followPost(api: BridgeApi, id: string, onPost: (p: Post) => void): () => void {
  let stopped = false
  let delay = POLL.firstMs
  let timer: ReturnType<typeof setTimeout> | undefined
  let last = ''
  const events = new AbortController()

  const poll = async () => {
    clearTimeout(timer)
    if (stopped) return
    try {
      const post = await api.post(id)
      const seen = JSON.stringify([post.status, post.history?.length, post.uploadedBytes, post.waitingFor])
      if (seen !== last) {
        last = seen
        delay = POLL.firstMs
        onPost(post)
      } else delay = Math.min(delay * POLL.factor, POLL.maxMs)
      if (FINAL_STATUSES.has(post.status)) return stop()
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
