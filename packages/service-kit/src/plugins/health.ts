import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** A readiness check: resolves when the dependency answers, rejects (or times out) when not. */
export type ReadinessCheck = () => Promise<void>

/** Registry of readiness checks; infrastructure plugins (db, nats) add theirs. */
export interface Readiness {
  add(name: string, check: ReadinessCheck): void
  /** Runs every check with a timeout (ms); `ok` only when all pass. */
  run(timeoutMs?: number): Promise<{ ok: boolean; checks: Record<string, 'ok' | string> }>
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness
  }
}

/** `p`, or a rejection ("no answer within `ms` ms") after `ms` milliseconds. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

export function createReadiness(): Readiness {
  const checks = new Map<string, ReadinessCheck>()
  return {
    add: (name, check) => void checks.set(name, check),
    async run(timeoutMs = 2000) {
      const results: Record<string, string> = {}
      await Promise.all(
        [...checks].map(async ([name, check]) => {
          try {
            await withTimeout(check(), timeoutMs)
            results[name] = 'ok'
          } catch (err) {
            results[name] = err instanceof Error ? err.message : 'failed'
          }
        }),
      )
      return { ok: Object.values(results).every((r) => r === 'ok'), checks: results }
    },
  }
}

/**
 * `GET /healthz` — 200 while the process serves requests (liveness).
 * `GET /readyz` — 200 when every registered dependency answers, else 503 with each check's state.
 * Register it before the db and nats plugins, which add their checks to `app.readiness`.
 *
 * Once `app.close()` has begun, every answer still being written carries `Connection: close`, so
 * a keep-alive client leaves and shutdown does not wait out the 72 s keep-alive timeout.
 */
export const healthPlugin = fp(
  async (app: FastifyInstance) => {
    let closing = false
    app.addHook('preClose', async () => {
      closing = true
    })
    app.addHook('onSend', async (_req, reply) => {
      if (closing) reply.header('connection', 'close')
    })
    app.decorate('readiness', createReadiness())
    app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }))
    app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
      const { ok, checks } = await app.readiness.run()
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks })
    })
  },
  { name: 'sb-health', fastify: '5.x' },
)
