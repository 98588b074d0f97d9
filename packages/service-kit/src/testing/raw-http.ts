import { connect } from 'node:net'

/** The first answer read from a raw socket, and whether the server closed the connection. */
export interface RawAnswer {
  /** Status code of the first response, or null when none arrived. */
  status: number | null
  /** Its headers, names lower-cased (a repeated header keeps the last value). */
  headers: Record<string, string>
  /** Everything after the header block (not de-chunked). */
  body: string
  /** True when the server ended or reset the connection before the guard expired. */
  closed: boolean
}

/**
 * Speaks HTTP/1.1 by hand to `127.0.0.1:port`, for what an HTTP client library will not do:
 * stall mid-body, send oversized or malformed heads, watch whether the server closes the socket.
 * Writes `send` in order (`pauseMs` between parts), then waits, without ending its side, until
 * the server closes the connection or `guardMs` (default 10,000 ms) passes. The guard only keeps
 * a broken server from hanging a test; what a test asserts is `closed` and the answer.
 */
export async function rawHttp(opts: {
  port: number
  send: Array<string | Buffer>
  pauseMs?: number
  guardMs?: number
}): Promise<RawAnswer> {
  const socket = connect({ host: '127.0.0.1', port: opts.port })
  const chunks: Buffer[] = []
  socket.on('data', (c: Buffer) => chunks.push(c))
  const closed = new Promise<boolean>((resolve) => {
    socket.once('close', () => resolve(true))
    socket.once('end', () => resolve(true))
    socket.on('error', () => resolve(true))
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  for (const [i, part] of opts.send.entries()) {
    if (i > 0 && opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs))
    if (socket.destroyed) break
    socket.write(part)
  }
  let guard: NodeJS.Timeout | undefined
  const expired = new Promise<boolean>((resolve) => {
    guard = setTimeout(() => resolve(false), opts.guardMs ?? 10_000)
  })
  const wasClosed = await Promise.race([closed, expired])
  clearTimeout(guard)
  socket.destroy()
  return { ...parseHead(Buffer.concat(chunks).toString('latin1')), closed: wasClosed }
}

function parseHead(text: string): Omit<RawAnswer, 'closed'> {
  const end = text.indexOf('\r\n\r\n')
  if (!text.startsWith('HTTP/') || end < 0) return { status: null, headers: {}, body: text }
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) }
}
