/**
 * `pnpm start`: the whole Social Bridge stack as processes on this machine — the TikTok
 * sandbox, the five services and a small server for the sample videos — against the local
 * PostgreSQL and NATS. Migrations apply and streams are created as each service starts. Data
 * survives a restart: the services' in PostgreSQL, the sandbox's in .local/sandbox-state.json.
 * Prints the gateway and docs URLs and a development JWT; Ctrl-C stops everything.
 */
import fastifyStatic from '@fastify/static'
import { sampleMediaDir } from '@social-bridge/service-kit/testing'
import Fastify from 'fastify'
import { loadDevSecrets, PORTS, SANDBOX_STATE_FILE, SHARED_MEDIA_DIR, url } from './dev-config.js'
import { devJwt } from './dev-jwt.js'
import { preflight } from './preflight.js'
import { type StackProcess, startProcess, stopAll, waitReady } from './processes.js'
import { stackEnv } from './service-env.js'
import { stackProcesses } from './stack-processes.js'

const adminDatabaseUrl = process.env.ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const databaseName = process.env.STACK_DATABASE ?? 'social_bridge'
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
const databaseUrl = `${adminDatabaseUrl.replace(/\/[^/]*$/, '')}/${databaseName}`

async function main(): Promise<void> {
  await preflight({ adminDatabaseUrl, databaseName, natsUrl })
  const secrets = loadDevSecrets()
  const env = stackEnv(secrets, { databaseUrl, natsUrl, sandboxStateFile: SANDBOX_STATE_FILE })

  // The verified URL prefix's origin: ../shared/media when it is there, then the generated clips.
  const media = Fastify()
  const mediaRoots = [...(SHARED_MEDIA_DIR ? [SHARED_MEDIA_DIR] : []), await sampleMediaDir()]
  await media.register(fastifyStatic, { root: mediaRoots })
  await media.listen({ host: '127.0.0.1', port: PORTS.media })

  const running: StackProcess[] = []
  let stopping = false
  const shutdown = async (code: number) => {
    if (stopping) return
    stopping = true
    console.log('\nStopping Social Bridge…')
    await stopAll(running)
    await media.close()
    process.exit(code)
  }
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))
  process.on('SIGHUP', () => void shutdown(0))
  // If whoever started us (pnpm, a shell, a supervisor) is gone without a signal reaching us,
  // stop the stack rather than leave its processes orphaned.
  const parent = process.ppid
  setInterval(() => {
    if (process.ppid !== parent) void shutdown(0)
  }, 1000).unref()

  try {
    for (const s of stackProcesses(PORTS)) {
      const p = startProcess(s.name, s.entry, env[s.name] ?? {})
      running.push(p)
      p.child.once('exit', (code) => {
        if (!stopping) {
          console.error(`${s.name} stopped unexpectedly (code ${code}); see .local/logs/${s.name}.log`)
          void shutdown(1)
        }
      })
      await waitReady(p, s.ready)
      console.log(`  ✓ ${s.name} ready`)
    }
  } catch (err) {
    console.error(`Social Bridge could not start: ${(err as Error).message}`)
    await shutdown(1)
    return
  }

  const token = await devJwt(secrets)
  console.log(`
Social Bridge is running.
  Gateway      ${url(PORTS.gateway)}/v1
  API docs     ${url(PORTS.gateway)}/docs
  Webhooks     ${url(PORTS.ingest)}/webhooks/tiktok
  TikTok sandbox ${url(PORTS.sandbox)}  (consent page: /v2/auth/authorize/; state in .local/sandbox-state.json)
  Logs         .local/logs/<service>.log

Development JWT (admin, tenant demo-tenant, 12 h):
  export SB_TOKEN=${token}

Try the demo in another terminal: pnpm demo        Stop: Ctrl-C
`)
}

await main()
