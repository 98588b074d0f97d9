import fastifyStatic from '@fastify/static'
import Fastify from 'fastify'
import { type StackProcess, startProcess, stopAll, waitReady } from './processes.js'
import type { StackPorts } from './service-env.js'
import { stackProcesses } from './stack-processes.js'

/** What {@link launchStack} starts and how. */
export interface LaunchOptions {
  ports: StackPorts
  /** Each process's environment by name (`stackEnv`), e.g. `env['auth-service']`. */
  env: Record<string, Record<string, string>>
  /** Folders served by the media origin (the verified PULL_FROM_URL prefix), first match wins. */
  mediaRoots: string[]
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
  running: StackProcess[]
  stop(): Promise<void>
}

/**
 * Starts the local stack as `pnpm start`, e2e and the benchmarks run it: the media origin on
 * `ports.media`, then the sandbox and the six services (`stackProcesses`), each waited for
 * until ready before the next starts.
 * @throws Error when a process is not ready in time; what was started is stopped first.
 */
export async function launchStack(opts: LaunchOptions): Promise<LaunchedStack> {
  const media = Fastify()
  await media.register(fastifyStatic, { root: opts.mediaRoots })
  await media.listen({ host: '127.0.0.1', port: opts.ports.media })
  const running: StackProcess[] = []
  const stop = async () => {
    await stopAll(running)
    await media.close()
  }
  try {
    for (const p of stackProcesses(opts.ports)) {
      const proc = startProcess(p.name, p.entry, opts.env[p.name] ?? {}, {
        ...(opts.logDir ? { logDir: opts.logDir } : {}),
        echo: opts.echo ?? true,
      })
      running.push(proc)
      proc.child.once('exit', (code) => opts.onExit?.(p.name, code))
      await waitReady(proc, p.ready, opts.readyTimeoutMs)
      opts.onReady?.(p.name)
    }
  } catch (err) {
    await stop()
    throw err
  }
  return { running, stop }
}
