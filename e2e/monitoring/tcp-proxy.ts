import { createServer, connect as netConnect, type Server, type Socket } from 'node:net'
import type { Teardownable } from '@social-bridge/service-kit/testing'

/** A TCP forwarder that a test can cut (the target becomes unreachable) and restore. */
export interface TcpProxy {
  /** The local port it listens on. */
  port: number
  /** Closes every forwarded connection and refuses new ones (connection refused). */
  cut(): Promise<void>
  /** Listens again on the same port. */
  restore(): Promise<void>
}

/** Forwards `127.0.0.1:<port>` to `target`; closed at teardown. */
export async function startTcpProxy(
  t: Teardownable,
  target: { host: string; port: number },
): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let server: Server | undefined
  let port = 0
  const listen = async () => {
    const s = createServer((client) => {
      const upstream = netConnect(target)
      for (const sock of [client, upstream]) {
        sockets.add(sock)
        sock.on('close', () => sockets.delete(sock))
        sock.on('error', () => {
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve, reject) => s.once('error', reject).listen(port, '127.0.0.1', resolve))
    port = (s.address() as { port: number }).port
    server = s
  }
  const cut = async () => {
    const s = server
    server = undefined
    for (const sock of sockets) sock.destroy()
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
  }
  await listen()
  t.teardown(cut)
  return { port, cut, restore: listen }
}
