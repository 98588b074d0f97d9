/**
 * `pnpm start`: the whole Social Bridge stack as processes on this machine — the TikTok
 * sandbox, the six services and a small server for the sample videos — against the local
 * PostgreSQL and NATS. Migrations apply and streams are created as each service starts. Data
 * survives a restart: the services' in PostgreSQL, the sandbox's in .local/sandbox-state.json.
 * Builds the console (packages/elements) first when it is missing or stale. Prints the gateway,
 * docs and console URLs and a development JWT; Ctrl-C stops everything.
 */

import { ensureElementsBuilt } from '@social-bridge/elements/build'
import { sampleMediaDir } from '@social-bridge/service-kit/testing'
import {
  devJwt,
  type LaunchedStack,
  launchStack,
  loadDevSecrets,
  PORTS,
  preflight,
  SANDBOX_STATE_FILE,
  SHARED_MEDIA_DIR,
  stackEnv,
  url,
} from '@social-bridge/stack'

const adminDatabaseUrl = process.env.ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const databaseName = process.env.STACK_DATABASE ?? 'social_bridge'
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
const databaseUrl = `${adminDatabaseUrl.replace(/\/[^/]*$/, '')}/${databaseName}`

async function main(): Promise<void> {
  await preflight({ adminDatabaseUrl, databaseName, natsUrl })
  if (await ensureElementsBuilt()) console.log('  ✓ console built (packages/elements/dist)')
  const secrets = loadDevSecrets()
  const env = stackEnv(secrets, { databaseUrl, natsUrl, sandboxStateFile: SANDBOX_STATE_FILE })

  let stack: LaunchedStack | undefined
  let stopping = false
  const shutdown = async (code: number, selfExitMs = 0) => {
    if (stopping) return
    stopping = true
    console.log('\nStopping Social Bridge…')
    await stack?.stop({ selfExitMs })
    process.exit(code)
  }
  // Ctrl-C reaches every process of the terminal's group: the services close by themselves, and
  // only one still running after its grace time (10 s) gets a SIGTERM.
  process.on('SIGINT', () => void shutdown(0, 10_000))
  process.on('SIGTERM', () => void shutdown(0))
  process.on('SIGHUP', () => void shutdown(0))
  // If whoever started us (pnpm, a shell, a supervisor) is gone without a signal reaching us,
  // stop the stack rather than leave its processes orphaned.
  const parent = process.ppid
  setInterval(() => {
    if (process.ppid !== parent) void shutdown(0)
  }, 1000).unref()

  try {
    stack = await launchStack({
      ports: PORTS,
      env,
      // The verified URL prefix's origin: ../shared/media when it is there, then the generated clips.
      mediaRoots: [...(SHARED_MEDIA_DIR ? [SHARED_MEDIA_DIR] : []), await sampleMediaDir()],
      onReady: (name) => console.log(`  ✓ ${name} ready`),
      onExit: (name, code) => {
        if (stopping) return
        console.error(`${name} stopped unexpectedly (code ${code}); see .local/logs/${name}.log`)
        void shutdown(1)
      },
    })
  } catch (err) {
    if (stopping) return
    console.error(`Social Bridge could not start: ${(err as Error).message}`)
    await shutdown(1)
    return
  }

  const token = await devJwt(secrets)
  console.log(`
Social Bridge is running.
  Gateway      ${url(PORTS.gateway)}/v1
  API docs     ${url(PORTS.gateway)}/docs
  Console      ${url(PORTS.gateway)}/console/#token=${token}
  Webhooks     ${url(PORTS.ingest)}/webhooks/tiktok
  TikTok sandbox ${url(PORTS.sandbox)}  (consent page: /v2/auth/authorize/; state in .local/sandbox-state.json)
  TikTok Shop  the same sandbox (seller consent: /open/authorize; in memory): connect with
               curl -i -H "Authorization: Bearer $SB_TOKEN" ${url(PORTS.gateway)}/v1/connections/tiktok_shop/authorize
  Logs         .local/logs/<service>.log

Development JWT (admin, tenant demo-tenant, 12 h):
  export SB_TOKEN=${token}

Try the demo in another terminal: pnpm demo        Stop: Ctrl-C
`)
}

await main()
