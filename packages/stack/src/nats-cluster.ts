import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '@social-bridge/service-kit/testing'
import { request } from 'undici'
import { url } from './dev-config.js'

/** The `nats-server` binary the cluster mode runs (Debian's package; `NATS_SERVER_BIN` overrides). */
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server'

/** One `nats-server` of a {@link NatsCluster}. */
export interface NatsNode {
  /** `n1`, `n2`…: its server name in the cluster. */
  name: string
  /** Its client URL, e.g. `nats://127.0.0.1:41234`. */
  clientUrl: string
  /** Its monitoring endpoint, e.g. `http://127.0.0.1:41235` (`/jsz`, `/healthz`). */
  monitorUrl: string
  /** The running process, or undefined after `kill` and before `restart`. */
  child: ChildProcess | undefined
  /** Sends `signal` (default SIGKILL) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same ports and store directory; resolves once it is healthy. */
  restart(): Promise<void>
}

/** A JetStream cluster of `nats-server` processes on this machine (deploy/README.md "Scaling out"). */
export interface NatsCluster {
  nodes: NatsNode[]
  /** Every node's client URL, comma-separated: the services' `NATS_URL`. */
  seeds: string
  /** SIGTERM to every node still running (SIGKILL after 5 s). */
  stop(): Promise<void>
}

/** Waits until the node's monitoring `/healthz` answers 200 (JetStream up and current), or `timeoutMs`. */
async function waitHealthy(name: string, monitorPort: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    try {
      const res = await request(`${url(monitorPort)}/healthz`, { headersTimeout: 1000, bodyTimeout: 1000 })
      await res.body.dump()
      if (res.statusCode === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`NATS node ${name} was not healthy within ${timeoutMs} ms (monitor port ${monitorPort})`)
}

/** Waits for `child` to exit (at once when it already has). */
const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()))

/**
 * Starts `size` (default 3) `nats-server` processes with JetStream on free ports, routed to each
 * other as one cluster, each storing under `<dir>/<name>` and logging to `<dir>/<name>.log`, and
 * waits until every node is healthy. Used by the stack's cluster mode (`startTestStack` with
 * `cluster`); the machine's own NATS is never touched.
 * @throws Error when a node is not healthy within `readyTimeoutMs` (default 30 s); started nodes are stopped.
 */
export async function startNatsCluster(opts: {
  dir: string
  size?: number
  readyTimeoutMs?: number
}): Promise<NatsCluster> {
  const size = opts.size ?? 3
  const ports = []
  for (let i = 0; i < size; i++) {
    ports.push({ client: await freePort(), cluster: await freePort(), monitor: await freePort() })
  }
  const routes = ports.map((p) => `nats://127.0.0.1:${p.cluster}`).join(',')
  const nodes: NatsNode[] = ports.map((p, i) => {
    const name = `n${i + 1}`
    const storeDir = join(opts.dir, name)
    mkdirSync(storeDir, { recursive: true })
    const args = [
      ...['--name', name, '--addr', '127.0.0.1', '--port', String(p.client)],
      ...['--http_port', String(p.monitor), '--jetstream', '--store_dir', storeDir],
      ...[
        '--cluster_name',
        'social-bridge',
        '--cluster',
        `nats://127.0.0.1:${p.cluster}`,
        '--routes',
        routes,
      ],
    ]
    const node: NatsNode = {
      name,
      clientUrl: `nats://127.0.0.1:${p.client}`,
      monitorUrl: url(p.monitor),
      child: undefined,
      async kill(signal = 'SIGKILL') {
        const child = node.child
        if (!child) return
        node.child = undefined
        child.kill(signal)
        await exited(child)
      },
      async restart() {
        const log = createWriteStream(join(opts.dir, `${name}.log`), { flags: 'a' })
        const child = spawn(NATS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] })
        child.stdout.pipe(log)
        child.stderr.pipe(log)
        node.child = child
        await waitHealthy(name, p.monitor, opts.readyTimeoutMs ?? 30_000)
      },
    }
    return node
  })
  // Never leave a node running after this process is gone, however it ends.
  const killOnExit = () => {
    for (const n of nodes) n.child?.kill('SIGKILL')
  }
  process.once('exit', killOnExit)
  const stop = async () => {
    process.removeListener('exit', killOnExit)
    await Promise.all(
      nodes.map(async (n) => {
        const child = n.child
        if (!child) return
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await n.kill('SIGTERM')
        clearTimeout(timer)
      }),
    )
  }
  try {
    await Promise.all(nodes.map((n) => n.restart()))
  } catch (err) {
    await stop()
    throw err
  }
  return { nodes, seeds: nodes.map((n) => n.clientUrl).join(','), stop }
}
