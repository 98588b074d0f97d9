/** One Server-Sent Event as a client reads it. */
export interface SseEvent {
  id: string
  event: string
  data: Record<string, unknown>
}

/** A live SSE connection: the events so far, the heartbeats counted, and `close()`. */
export interface SseClient {
  status: number
  events: SseEvent[]
  heartbeats: number
  close(): void
}

/** Opens `url` with `headers` (e.g. `Last-Event-ID`) and parses frames as they arrive. */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController()
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal })
  const client: SseClient = { status: res.status, events: [], heartbeats: 0, close: () => abort.abort() }
  if (!res.body) return client
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  void (async () => {
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += value
        let end = buffer.indexOf('\n\n')
        while (end >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          end = buffer.indexOf('\n\n')
          if (block.startsWith(': heartbeat')) client.heartbeats++
          const field = (name: string) =>
            block
              .split('\n')
              .find((l) => l.startsWith(`${name}: `))
              ?.slice(name.length + 2)
          const data = field('data')
          if (data)
            client.events.push({ id: field('id') ?? '', event: field('event') ?? '', data: JSON.parse(data) })
        }
      }
    } catch {
      // aborted by close()
    }
  })()
  return client
}
