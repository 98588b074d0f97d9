/**
 * The servers of bench/auth-access-token.ts, each in a process of its own so the benchmark's
 * client (its GC, its event loop) is not measured with them:
 *  - `service`: one auth-service replica registered with the config in BENCH_AUTH_CONFIG (JSON),
 *    logging at BENCH_LOG_LEVEL (default `info`, as deployed) to stdout;
 *  - `bare`: the floor, a bare Fastify route (no logger, no hooks) reading the connection row
 *    with postgres.js from BENCH_DATABASE_URL and answering it as JSON.
 * Each listens on 127.0.0.1 port 0 and prints `READY <url>` (bench/lib/child-role.ts).
 * `BENCH_CPU_PROF=<dir>` in the parent writes each child's V8 CPU profile there.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { serveUntilParentStops } from './child-role.js'

const SELF = fileURLToPath(import.meta.url)
const CPU_PROFILE = fileURLToPath(new URL('./cpu-profile.mjs', import.meta.url))

/** A started child: `url` resolves once it listens; `stop()` ends it (SIGTERM) and waits for its exit. */
export interface AuthBenchChild {
  proc: ChildProcess
  url: Promise<string>
  stop: () => Promise<void>
}

/** Starts one server role in a child process; lines it prints besides `READY` (logs) are dropped. */
export function spawnAuthBenchChild(
  role: 'service' | 'bare',
  env: { BENCH_AUTH_CONFIG?: string; BENCH_DATABASE_URL?: string },
): AuthBenchChild {
  const prof = process.env.BENCH_CPU_PROF
  const proc = spawn(process.execPath, [...process.execArgv, SELF, role], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      ...env,
      ...(prof ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${CPU_PROFILE}` } : {}),
    },
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

async function serviceRole(): Promise<void> {
  const { createFastifyOptions } = await import('../../packages/service-kit/src/index.js')
  const { default: Fastify } = await import('fastify')
  const { default: authApp } = await import('../../services/auth-service/src/app.js')
  const config = JSON.parse(process.env.BENCH_AUTH_CONFIG ?? '{}')
  const app = Fastify(
    createFastifyOptions({ service: 'auth-service', logLevel: process.env.BENCH_LOG_LEVEL ?? 'info' }),
  )
  await app.register(authApp, { config })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  serveUntilParentStops(url, () => app.close())
}

async function bareRole(): Promise<void> {
  const { default: Fastify } = await import('fastify')
  const { default: postgres } = await import('postgres')
  const sql = postgres(process.env.BENCH_DATABASE_URL ?? '', { max: 10, onnotice: () => {} })
  const app = Fastify()
  app.post<{ Params: { id: string } }>('/connections/:id', async (request) => {
    const [row] = await sql`select * from auth.connections where id = ${request.params.id}`
    return { connectionId: row?.id, accessToken: row?.access_token_sealed }
  })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  serveUntilParentStops(url, async () => {
    await app.close()
    await sql.end()
  })
}

if (process.argv[1] === SELF && process.argv[2] === 'service') await serviceRole()
if (process.argv[1] === SELF && process.argv[2] === 'bare') await bareRole()
