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
import { fileURLToPath } from 'node:url'
import { type BenchChild, serveUntilParentStops, spawnBenchChild } from './child-role.js'

const SELF = fileURLToPath(import.meta.url)
const CPU_PROFILE = fileURLToPath(new URL('./cpu-profile.mjs', import.meta.url))

/** A started child (bench/lib/child-role.ts). */
export type AuthBenchChild = BenchChild

/** Starts one server role in a child process; lines it prints besides `READY` (logs) are dropped. */
export function spawnAuthBenchChild(
  role: 'service' | 'bare',
  env: { BENCH_AUTH_CONFIG?: string; BENCH_DATABASE_URL?: string },
): AuthBenchChild {
  const prof = process.env.BENCH_CPU_PROF
  return spawnBenchChild(SELF, role, {
    ...env,
    ...(prof ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${CPU_PROFILE}` } : {}),
  })
}

async function serviceRole(): Promise<void> {
  const { createFastifyOptions } = await import('@social-bridge/service-kit')
  const { default: Fastify } = await import('fastify')
  const { default: authApp } = await import('@social-bridge/auth-service')
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
