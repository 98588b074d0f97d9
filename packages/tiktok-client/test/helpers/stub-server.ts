import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'

/** A request as seen by the stub. */
export interface StubRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

/**
 * A throwaway HTTP server on 127.0.0.1 port 0 for wire-shape variants the sandbox cannot produce
 * (numeric `code: 0`, hostile echoes, hangs). Closed in teardown.
 */
export async function stubServer(
  t: Test,
  handler: (req: StubRequest, res: ServerResponse) => void,
): Promise<{ url: string; requests: StubRequest[] }> {
  const requests: StubRequest[] = []
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(parts).toString(),
      }
      requests.push(r)
      handler(r, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

/** Writes a JSON (or raw string) response. */
export function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(text)
}
