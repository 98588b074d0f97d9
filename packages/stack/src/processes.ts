import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { request } from 'undici'
import { LOCAL_DIR, ROOT } from './dev-config.js'

/** One supervised child process of the stack. */
export interface StackProcess {
  name: string
  child: ChildProcess
}

const LEVEL_NAMES: Record<number, string> = { 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }

/** Shows a child's log line on the console when it is a warning or worse, or not JSON. */
function echoLine(name: string, line: string): void {
  let entry: { level?: number; msg?: string; err?: { message?: string } }
  try {
    entry = JSON.parse(line)
  } catch {
    if (line.trim()) console.log(`[${name}] ${line}`)
    return
  }
  const level = entry.level ?? 0
  if (level >= 40) {
    const detail = entry.err?.message ? `: ${entry.err.message}` : ''
    console.log(`[${name}] ${LEVEL_NAMES[level] ?? level} ${entry.msg ?? ''}${detail}`)
  }
}

/**
 * Set to `1` for the whole test suite (`scripts/test-bundles.taprc`, run by `bash scripts/run.sh
 * test`): stack processes then start from their compiled bundles (see {@link compiledEntry}),
 * which scripts/test-bundles.ts writes beside the tests'.
 */
const COMPILED_ENTRIES_ENV = 'STACK_COMPILED_ENTRIES'

/**
 * Where scripts/test-bundles.ts writes the compiled bundle of a stack entry point, relative to
 * the repository root: `services/gateway/src/server.ts` → `services/gateway/.test-bundles/src/server.mjs`
 * (the package's `.test-bundles/`, as for its test files).
 * @throws when `entry` is not a `.ts` file of a package under `services/` or `packages/`.
 */
function compiledEntry(entry: string): string {
  const m = entry.match(/^((?:services|packages)\/[^/]+)\/(.+)\.ts$/)
  if (!m) throw new Error(`no compiled bundle for ${entry}: not a .ts file of a workspace package`)
  return `${m[1]}/.test-bundles/${m[2]}.mjs`
}

/**
 * Node's arguments for `entry`: `--import tsx <entry>`, or its compiled bundle alone when
 * `STACK_COMPILED_ENTRIES=1` — about 2 CPU s less per process start than tsx's loader hook, which
 * the test suite pays for each of the dozens of processes its stacks start.
 * @throws when the bundle is asked for but missing (run `node --import tsx scripts/test-bundles.ts`).
 */
function nodeArgs(entry: string): string[] {
  if (process.env[COMPILED_ENTRIES_ENV] !== '1') return ['--import', 'tsx', resolve(ROOT, entry)]
  const bundle = resolve(ROOT, compiledEntry(entry))
  if (!existsSync(bundle))
    throw new Error(`${bundle} is missing: run node --import tsx scripts/test-bundles.ts`)
  return ['--enable-source-maps', bundle]
}

/**
 * Starts `node --import tsx <entry>` (or its compiled bundle, {@link nodeArgs}) with `env`, writes
 * its whole output to `.local/logs/<name>.log`, and echoes warnings and errors (and non-JSON
 * lines) to the console.
 */
export function startProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  opts: { logDir?: string; echo?: boolean } = {},
): StackProcess {
  const logDir = opts.logDir ?? resolve(LOCAL_DIR, 'logs')
  const echo = opts.echo ?? true
  mkdirSync(logDir, { recursive: true })
  const logPath = resolve(logDir, `${name}.log`)
  const args = nodeArgs(entry)
  const options = { cwd: ROOT, env: { ...process.env, ...env } }
  if (!echo) {
    // Nothing to show: the child writes straight to its log file; this process reads nothing.
    const fd = openSync(logPath, 'a')
    const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', fd, fd] })
    closeSync(fd)
    return { name, child }
  }
  const log = createWriteStream(logPath, { flags: 'a' })
  const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`)
      echoLine(name, line)
    })
  }
  child.on('exit', () => log.end())
  return { name, child }
}

/** Polls `url` until it answers 200, the process exits, or `timeoutMs` passes. */
export async function waitReady(p: StackProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (p.child.exitCode !== null) {
      throw new Error(`${p.name} exited with code ${p.child.exitCode}; see .local/logs/${p.name}.log`)
    }
    try {
      const res = await request(url, { headersTimeout: 1000, bodyTimeout: 1000 })
      await res.body.dump()
      if (res.statusCode === 200) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${p.name} was not ready within ${timeoutMs} ms (${url}); see .local/logs/${p.name}.log`)
}

/**
 * SIGTERM to every process (in reverse start order), SIGKILL to any still alive after `graceMs`
 * (default 10 s). With `selfExitMs` (default 0), each process is first given that long to exit on its own: for a Ctrl-C,
 * which the terminal sends to every process of the group, a service already closing would take a
 * SIGTERM as a second signal and exit at once (close-with-grace), cutting its graceful close.
 */
export async function stopAll(
  processes: StackProcess[],
  { graceMs = 10_000, selfExitMs = 0 }: { graceMs?: number; selfExitMs?: number } = {},
): Promise<void> {
  const hasExited = (p: StackProcess) => p.child.exitCode !== null || p.child.signalCode !== null
  if (selfExitMs > 0) {
    const until = Date.now() + selfExitMs
    while (Date.now() < until && !processes.every(hasExited)) await new Promise((r) => setTimeout(r, 100))
  }
  for (const p of [...processes].reverse()) {
    if (hasExited(p)) continue
    const exited = new Promise<void>((resolve) => p.child.once('exit', () => resolve()))
    p.child.kill('SIGTERM')
    const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs)
    await exited
    clearTimeout(timer)
  }
}
