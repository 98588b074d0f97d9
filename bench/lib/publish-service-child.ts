/**
 * One publish-service replica in its own process, for benchmarks that measure its memory and
 * speed from outside: `spawnPublishService(config)` runs this file as a child, which registers
 * the app with `config` (JSON in BENCH_PUBLISH_CONFIG), listens on port 0 and prints
 * `READY <url>`; `rssSampler(pid)` follows a process's RSS from /proc.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type BenchChild, serveUntilParentStops, spawnBenchChild } from './child-role.js'

const SELF = fileURLToPath(import.meta.url)

/**
 * Starts the replica (`env` added to this process's environment, e.g. a CPU-profile preload);
 * `url` resolves once it listens. Stop it with `stop()` (SIGTERM, waits for exit).
 */
export function spawnPublishService(config: unknown, env: Record<string, string> = {}): BenchChild {
  return spawnBenchChild(SELF, 'service', { ...env, BENCH_PUBLISH_CONFIG: JSON.stringify(config) })
}

/** Samples a process's RSS (bytes) every 50 ms; `kernelPeak()` reads the kernel's VmHWM. */
export function rssSampler(pid: number) {
  const read = (field: string) => {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  }
  let peak = 0
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, read('VmRSS'))
    } catch {
      // process gone
    }
  }, 50)
  return {
    now: () => read('VmRSS'),
    reset: () => {
      peak = read('VmRSS')
    },
    sampledPeak: () => peak,
    kernelPeak: () => read('VmHWM'),
    stop: () => clearInterval(timer),
  }
}

async function serviceRole(): Promise<void> {
  const { createFastifyOptions } = await import('@social-bridge/service-kit')
  const { default: Fastify } = await import('fastify')
  const { default: publishApp } = await import('@social-bridge/publish-service')
  const config = JSON.parse(process.env.BENCH_PUBLISH_CONFIG ?? '{}')
  // as services/publish-service/src/server.ts: no total request timeout, uploads take what they take
  const app = Fastify(
    createFastifyOptions({ service: 'publish-service', logLevel: 'warn', http: { requestTimeoutMs: 0 } }),
  )
  await app.register(publishApp, { config })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  serveUntilParentStops(url, () => app.close())
}

if (process.argv[1] === SELF && process.argv[2] === 'service') await serviceRole()
