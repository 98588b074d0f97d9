import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** A benchmark child: `url` resolves with its `READY` payload; `stop()` ends it (SIGTERM) and waits for its exit. */
export interface BenchChild {
  proc: ChildProcess
  url: Promise<string>
  stop: () => Promise<void>
}

/**
 * Runs `file` (a module that calls {@link serveUntilParentStops} for `role`) as a child with this
 * process's Node arguments and environment plus `env`. Lines it prints besides `READY` are dropped;
 * `url` rejects if the child exits first.
 */
export function spawnBenchChild(file: string, role: string, env: Record<string, string> = {}): BenchChild {
  const proc = spawn(process.execPath, [...process.execArgv, file, role], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  })
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      if (l.startsWith('READY ')) resolve(l.slice(6))
    })
    proc.once('exit', (code) => reject(new Error(`${role} child exited (${code})`)))
  })
  url.catch(() => undefined)
  const stop = async () => {
    if (proc.exitCode !== null) return
    const exited = new Promise((r) => proc.once('exit', r))
    proc.kill('SIGTERM')
    await exited
  }
  return { proc, url, stop }
}

/**
 * Hands a benchmark child over to its parent: prints `READY <payload>` on stdout, then keeps the
 * process serving until the parent sends SIGTERM or closes the child's stdin, and then runs
 * `close` and exits 0.
 */
export function serveUntilParentStops(payload: string, close: () => Promise<void>): void {
  process.stdout.write(`READY ${payload}\n`)
  const stop = async () => {
    await close()
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
}
