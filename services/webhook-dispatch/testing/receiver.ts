import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

/** One request the receiver got, with the outcome of verifying it with each secret it knows. */
export interface Received {
  id: string
  type: string
  body: Record<string, unknown>
  /** Secrets (by index in `secrets`) whose verification passed. */
  verifiedBy: number[]
  headers: IncomingMessage['headers']
}

/** What the receiver answers: 204, an error status, a 302 to `location`, or nothing until released. */
export type Mode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'hang' }

/**
 * A real HTTP receiver, as a CRM would run one: it verifies every request with the reference
 * `standardwebhooks` library against each of `secrets` and records it. `stop()` closes the port
 * (the receiver is down), `start()` listens on the same port again.
 */
export interface Receiver {
  url: string
  secrets: string[]
  received: Received[]
  mode: Mode
  /** Ends the requests held by a `hang` mode (answered 204). */
  release(): void
  /** Requests held now by a `hang` mode. */
  held(): number
  stop(): Promise<void>
  start(): Promise<void>
}

export async function startReceiver(
  t: { teardown(fn: () => unknown): void },
  path = '/hooks',
): Promise<Receiver> {
  const held: (() => void)[] = []
  let server: Server
  let port = 0
  const r: Receiver = {
    url: '',
    secrets: [],
    received: [],
    mode: { kind: 'ok' },
    held: () => held.length,
    release: () => {
      for (const end of held.splice(0)) end()
    },
    stop: () =>
      new Promise((ok) => {
        server.closeAllConnections()
        server.close(() => ok())
      }),
    start: () =>
      new Promise((ok) => {
        server = createServer(async (req, res) => {
          const chunks: Buffer[] = []
          for await (const c of req) chunks.push(c as Buffer)
          const raw = Buffer.concat(chunks).toString('utf8')
          const verifiedBy: number[] = []
          r.secrets.forEach((s, i) => {
            try {
              new Webhook(s).verify(raw, req.headers as Record<string, string>)
              verifiedBy.push(i)
            } catch {}
          })
          const body = JSON.parse(raw) as Record<string, unknown>
          const mode = r.mode
          if (mode.kind === 'hang') {
            held.push(() => {
              if (!res.destroyed) res.writeHead(204).end()
            })
            return
          }
          r.received.push({
            id: String(req.headers['webhook-id']),
            type: String(body.type),
            body,
            verifiedBy,
            headers: req.headers,
          })
          if (mode.kind === 'ok') res.writeHead(204).end()
          else if (mode.kind === 'status') res.writeHead(mode.status).end('x'.repeat(5000))
          else res.writeHead(302, { location: mode.location }).end()
        })
        server.listen(port, '127.0.0.1', () => {
          port = (server.address() as AddressInfo).port
          r.url = `http://localhost:${port}${path}`
          ok()
        })
      }),
  }
  await r.start()
  t.teardown(() => r.stop())
  return r
}
