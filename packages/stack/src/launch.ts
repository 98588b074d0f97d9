import fastifyStatic from '@fastify/static'
import { freePort } from '@social-bridge/service-kit/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { startBalancer } from './balancer.js'
import { url } from './dev-config.js'
import { type StackProcess, startProcess, stopAll, waitReady } from './processes.js'
import type { StackPorts } from './service-env.js'
import { type StackProcessSpec, stackProcesses } from './stack-processes.js'

/** What {@link launchStack} starts and how. */
export interface LaunchOptions {
  ports: StackPorts
  /** Each process's environment by name (`stackEnv`), e.g. `env['auth-service']`. */
  env: Record<string, Record<string, string>>
  /** Folders served by the media origin (the verified PULL_FROM_URL prefix), first match wins. */
  mediaRoots: string[]
  /**
   * Replicas of each service (default 1). Above 1, each replica `<service>-<i>` listens on a free
   * port of its own and a round-robin balancer (`startBalancer`) takes the service's port, so
   * every address in `env` stays as it is: the cluster mode differs by configuration only.
   */
  replicas?: number
  /** Where each process's log goes (`<logDir>/<name>.log`); default `.local/logs`. */
  logDir?: string
  /** Echo warnings and errors to the console (default true). */
  echo?: boolean
  /** How long each process may take to answer its readiness URL, ms (default 60 s). */
  readyTimeoutMs?: number
  /** Called when a process has answered its readiness URL. */
  onReady?(name: string): void
  /** Called when a process exits, whether or not the stack is stopping. */
  onExit?(name: string, code: number | null): void
}

/** A running stack: its processes in start order, and how to stop them and the media origin. */
export interface LaunchedStack {
  /** Every running process (one per replica), in start order; a restarted one takes its old place. */
  running: StackProcess[]
  /** The process names of `service`'s replicas (`['gateway']` with one replica, `['gateway-1', 'gateway-2']` with two). */
  replicasOf(service: string): string[]
  /** The base URL of the process `name` itself (a replica's own port, not its balancer's), e.g. `http://127.0.0.1:41234`. */
  urlOf(name: string): string
  /** Sends `signal` (default SIGKILL) to the process `name` and waits until it has exited. */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>
  /** Starts the process `name` again (after it died or was killed) and waits until it is ready. */
  restart(name: string): Promise<void>
  /**
   * Stops every process (SIGTERM, then SIGKILL after 10 s). `selfExitMs`: first wait up to that
   * long for them to exit on their own (after a Ctrl-C the terminal signalled them already).
   */
  stop(opts?: { selfExitMs?: number }): Promise<void>
}

/** One process to run: a spec under its own name and port (a replica's differ from the service's). */
interface Instance {
  name: string
  spec: StackProcessSpec
  port: number
}

/**
 * Starts the local stack as `pnpm start`, e2e and the benchmarks run it: the media origin on
 * `ports.media`, then the sandbox and the services (`stackProcesses`), each waited for until
 * ready before the next starts — with `replicas` > 1, each service's replicas (together) and its balancer.
 * @throws Error when a process is not ready in time; what was started is stopped first.
 */
export async function launchStack(opts: LaunchOptions): Promise<LaunchedStack> {
  const media = Fastify()
  await media.register(fastifyStatic, { root: opts.mediaRoots })
  await media.listen({ host: '127.0.0.1', port: opts.ports.media })
  const replicas = opts.replicas ?? 1
  const running: StackProcess[] = []
  const instances = new Map<string, Instance>()
  const ready = new Set<StackProcess>()
  const balancers: FastifyInstance[] = []
  const groups = new Map<string, string[]>()

  const start = async (inst: Instance, at = running.length) => {
    const env = {
      ...(opts.env[inst.spec.name] ?? {}),
      ...(inst.port === inst.spec.port ? {} : { PORT: String(inst.port) }),
    }
    const proc = startProcess(inst.name, inst.spec.entry, env, {
      ...(opts.logDir ? { logDir: opts.logDir } : {}),
      echo: opts.echo ?? true,
    })
    running.splice(at, 0, proc)
    proc.child.once('exit', (code) => {
      ready.delete(proc)
      opts.onExit?.(inst.name, code)
    })
    await waitReady(proc, `${url(inst.port)}${inst.spec.readyPath}`, opts.readyTimeoutMs)
    ready.add(proc)
    opts.onReady?.(inst.name)
  }
  // If this process dies without stopping the stack (an uncaught error in a test), take the
  // children along rather than leave them running.
  const killOnExit = () => {
    for (const p of running) p.child.kill('SIGKILL')
  }
  process.once('exit', killOnExit)
  const stop = async (stopOpts: { selfExitMs?: number } = {}) => {
    await Promise.all(balancers.map((b) => b.close()))
    await stopAll(running, stopOpts)
    await media.close()
    process.removeListener('exit', killOnExit)
  }

  try {
    for (const spec of stackProcesses(opts.ports)) {
      const count = spec.replicable ? replicas : 1
      const group: Instance[] = []
      for (let i = 1; i <= count; i++) {
        const port = count === 1 ? spec.port : await freePort()
        group.push({ name: count === 1 ? spec.name : `${spec.name}-${i}`, spec, port })
      }
      groups.set(
        spec.name,
        group.map((g) => g.name),
      )
      for (const inst of group) instances.set(inst.name, inst)
      if (count > 1) {
        const live = () =>
          group.filter((g) => [...ready].some((p) => p.name === g.name)).map((g) => url(g.port))
        balancers.push(await startBalancer({ name: spec.name, port: spec.port, upstreams: live }))
      }
      // A service's replicas start side by side (migrations and streams are safe to race).
      await Promise.all(group.map((inst) => start(inst)))
    }
  } catch (err) {
    await stop()
    throw err
  }

  return {
    running,
    replicasOf: (service) => groups.get(service) ?? [],
    urlOf(name) {
      const inst = instances.get(name)
      if (!inst) throw new Error(`no process named ${name}`)
      return url(inst.port)
    },
    async kill(name, signal = 'SIGKILL') {
      const proc = running.find((p) => p.name === name)
      if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()))
      proc.child.kill(signal)
      await exited
    },
    async restart(name) {
      const inst = instances.get(name)
      if (!inst) throw new Error(`no process named ${name}`)
      const at = running.findIndex((p) => p.name === name)
      const old = at < 0 ? undefined : running[at]
      if (old && old.child.exitCode === null && old.child.signalCode === null) {
        throw new Error(`${name} is still running`)
      }
      if (old) running.splice(at, 1)
      await start(inst, at < 0 ? running.length : at)
    },
    stop,
  }
}
