/**
 * auth-service benchmark (run: `pnpm exec tsx bench/auth-access-token.ts`), against a real PostgreSQL and
 * NATS and the in-process TikTok sandbox:
 *  1. access-token hand-out latency (p50/p99, ms) of a cached valid token:
 *     `POST /internal/connections/:id/lease`, BENCH_TOKEN_CALLS sequential calls (default 5,000)
 *     per contender and round after a warm-up of as many, in turns over BENCH_ROUNDS rounds (default 2), over
 *     real HTTP (one keep-alive connection, as a peer service's client would use), against the
 *     floor: a bare Fastify route reading the same row with postgres.js. The servers run in
 *     child processes of their own (bench/lib/auth-service-child.ts; the service as more
 *     replicas on the same database and NATS namespace, its access-token cache off and on), so the client's GC and event loop are not
 *     in their latency; each row prints the server process's CPU time per call (from /proc),
 *     steadier than latency on a shared machine, and the service/floor ratios. Unless
 *     BENCH_IN_PROCESS=0 both are measured again inside this process (client and server sharing
 *     one event loop, the set-up this bench used to have). Target (issue 16): service p99 < 2 ms.
 *     BENCH_CPU_PROF=<dir> writes the children's V8 CPU profiles there; BENCH_LOG_LEVEL sets the
 *     service child's log level (default info, as deployed);
 *  2. the time to refresh BENCH_CONNECTIONS connections (default 10,000) that are all due, by one
 *     refresh-scheduler pass, and the number of TikTok token calls it made (from the sandbox's
 *     request log): calls / connections should be 1.0.
 * Connections for (2) are seeded through real OAuth grants at the sandbox (approve + code
 * exchange), then stored sealed by the service's own vault.
 */
import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import {
  TEST_REDIRECT_URI as REDIRECT_URI,
  sealTokens,
  startAuthService,
  testAuthConfig,
  tokenTiming,
} from '@social-bridge/auth-service/testing'
import { accessTokenPath } from '@social-bridge/contracts'
import { createInternalTokenSigner, INTERNAL_TOKEN_HEADER } from '@social-bridge/service-kit'
import {
  connectAccount,
  createTestDatabase,
  createTestIdentities,
  createTestNamespace,
} from '@social-bridge/service-kit/testing'
import { createClientFor, loginThrough } from '@social-bridge/tiktok-client/testing'
import { createSandbox, type Sandbox } from '@social-bridge/tiktok-sandbox'
import Fastify, { type FastifyInstance } from 'fastify'
import postgres from 'postgres'
import { Pool } from 'undici'
import { spawnAuthBenchChild } from './lib/auth-service-child.js'
import { processCpuMicros } from './lib/proc-cpu.js'

const TOKEN_CALLS = Number(process.env.BENCH_TOKEN_CALLS ?? 5000)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2)
const CACHE_TTL_MS = Number(process.env.BENCH_TOKEN_CACHE_TTL_MS ?? 1000)

const teardowns: (() => unknown)[] = []
const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) }

/** The 1, 5 and 15 min load averages. */
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++
        out[i] = await fn(i)
      }
    }),
  )
  return out
}

/** One contender of the hand-out measurement: where it runs and how one call is made. */
interface Contender {
  name: string
  /** The server process whose CPU time is counted (a child), or none (it shares this process). */
  pid?: number
  call: () => Promise<number>
}

/** Latencies (ms, sorted), server CPU µs per call (child contenders) and client CPU µs per call. */
interface Measured {
  latencies: number[]
  serverCpu?: number
  clientCpu: number
  tiktokCalls: number
}

/**
 * Part 1: the hand-out of a cached valid token, `BENCH_TOKEN_CALLS` sequential calls per contender
 * and round, in turns over `BENCH_ROUNDS` rounds (so a burst of load from elsewhere hits one
 * round, not one contender): the floor and two auth-service replicas — its access-token cache off
 * (a row read per call) and on (ACCESS_TOKEN_CACHE_TTL_MS = BENCH_TOKEN_CACHE_TTL_MS, default
 * 1,000) — each in a child process (the fair set-up), and, unless BENCH_IN_PROCESS=0, the floor
 * and the service (cache off) again inside this process, as the bench used to measure them.
 */
async function handOut(opts: {
  app: FastifyInstance
  config: ReturnType<typeof testAuthConfig>
  internalSecret: string
  connectionId: string
  sandbox: Sandbox
}) {
  const { app, config, internalSecret, connectionId, sandbox } = opts
  // an hour-long token: a slow machine can outlast the usual 60 s during the measured loops
  const headers = {
    [INTERNAL_TOKEN_HEADER]: await createInternalTokenSigner({
      secret: internalSecret,
      ttlSec: 3600,
    }).forService('publish-service'),
    'content-type': 'application/json',
  }
  const post = (origin: string, path: string) => {
    const pool = new Pool(origin, { connections: 1 })
    t.teardown(() => pool.close())
    return async () => {
      const res = await pool.request({ method: 'POST', path, headers, body: '{}' })
      await res.body.dump()
      return res.statusCode
    }
  }
  const servicePath = accessTokenPath(connectionId)
  const barePath = `/connections/${connectionId}`

  const bareChild = spawnAuthBenchChild('bare', { BENCH_DATABASE_URL: config.DATABASE_URL })
  t.teardown(() => bareChild.stop())
  // more replicas of the service (same database, NATS namespace and keys), each in its own
  // process: one reading the row on every call (the cache off), one with its access-token cache on
  const serviceChild = (ttlMs: number) => {
    const child = spawnAuthBenchChild('service', {
      BENCH_AUTH_CONFIG: JSON.stringify({ ...config, ACCESS_TOKEN_CACHE_TTL_MS: ttlMs }),
    })
    t.teardown(() => child.stop())
    return child
  }
  const uncached = serviceChild(0)
  const cached = serviceChild(CACHE_TTL_MS)
  const children = [bareChild, uncached, cached]
  const contenders: Contender[] = [
    { name: 'floor, own process', pid: bareChild.proc.pid!, call: post(await bareChild.url, barePath) },
    {
      name: 'service, cache off',
      pid: uncached.proc.pid!,
      call: post(await uncached.url, servicePath),
    },
    {
      name: 'service, cache on',
      pid: cached.proc.pid!,
      call: post(await cached.url, servicePath),
    },
  ]
  if (process.env.BENCH_CPU_PROF) {
    console.log(
      `CPU profiles in ${process.env.BENCH_CPU_PROF}: ${contenders.map((c) => `${c.name} ${c.pid}.cpuprofile`).join(', ')}`,
    )
  }
  if (process.env.BENCH_IN_PROCESS !== '0') {
    const bareSql = postgres(config.DATABASE_URL, { max: 10, onnotice: () => {} })
    t.teardown(() => bareSql.end())
    const bareApp = Fastify()
    bareApp.post<{ Params: { id: string } }>('/connections/:id', async (request) => {
      const [row] = await bareSql`select * from auth.connections where id = ${request.params.id}`
      return { connectionId: row?.id, accessToken: row?.access_token_sealed }
    })
    t.teardown(() => bareApp.close())
    contenders.push(
      {
        name: 'floor, in this process',
        call: post(await bareApp.listen({ host: '127.0.0.1', port: 0 }), barePath),
      },
      {
        name: 'service, in this process (cache off)',
        call: post(await app.listen({ host: '127.0.0.1', port: 0 }), servicePath),
      },
    )
  }

  const measure = async (c: Contender, calls: number): Promise<Measured> => {
    sandbox.clearRequestLog()
    const latencies: number[] = []
    const serverBefore = c.pid ? processCpuMicros(c.pid) : 0
    const clientBefore = process.cpuUsage()
    for (let i = 0; i < calls; i++) {
      const start = process.hrtime.bigint()
      const status = await c.call()
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6)
      if (status !== 200) throw new Error(`${c.name}: access token answered ${status}`)
    }
    const client = process.cpuUsage(clientBefore)
    latencies.sort((a, b) => a - b)
    return {
      latencies,
      ...(c.pid ? { serverCpu: (processCpuMicros(c.pid) - serverBefore) / calls } : {}),
      clientCpu: (client.user + client.system) / calls,
      tiktokCalls: sandbox.requestLog().length,
    }
  }
  // Warm every contender (JIT, pools, caches) with as many calls as a measured round: after 500,
  // V8 was still optimising and the first round's p99 (floor's included) was 2–3× the second's.
  for (const c of contenders) await measure(c, TOKEN_CALLS)
  console.log(
    `access token hand-out (cached valid token): ${TOKEN_CALLS} sequential calls per contender and round, one keep-alive connection, ${ROUNDS} rounds; load average ${load()}`,
  )
  const [floor, ...services] = contenders.slice(0, 3) as [Contender, ...Contender[]]
  for (let r = 0; r < ROUNDS; r++) {
    const results = new Map<Contender, Measured>()
    for (const c of contenders) results.set(c, await measure(c, TOKEN_CALLS))
    console.log(`round ${r + 1}`)
    for (const [c, m] of results) {
      const server =
        m.serverCpu === undefined
          ? 'server CPU in the client process'
          : `server CPU ${m.serverCpu.toFixed(0).padStart(4)} µs/call`
      console.log(
        `  ${c.name.padEnd(38)} p50 ${pct(m.latencies, 50).toFixed(3)} ms   p99 ${pct(m.latencies, 99).toFixed(3)} ms   ${server}   client CPU ${m.clientCpu.toFixed(0)} µs/call   TikTok calls ${m.tiktokCalls}`,
      )
    }
    const f = results.get(floor)!
    for (const c of services) {
      const s = results.get(c)!
      console.log(
        `  ${c.name} / floor: p50 ${(pct(s.latencies, 50) / pct(f.latencies, 50)).toFixed(2)}   p99 ${(pct(s.latencies, 99) / pct(f.latencies, 99)).toFixed(2)}   server CPU ${(s.serverCpu! / f.serverCpu!).toFixed(2)}`,
      )
    }
  }
  console.log("target (issue 16): the service's p99 < 2 ms over HTTP")
  console.log(`load average ${load()}`)
  await Promise.all(children.map((c) => c.stop()))
}

async function main() {
  const sandbox = await createSandbox({ redirectUris: [REDIRECT_URI] })
  t.teardown(() => sandbox.close())
  const internalSecret = 'bench-internal-secret-at-least-32-bytes!!'
  const identities = createTestIdentities(internalSecret)
  const config = testAuthConfig({
    databaseUrl: await createTestDatabase(t),
    namespace: createTestNamespace(t),
    sandboxUrl: sandbox.url,
    internalSecret,
  })
  const { app } = await startAuthService(t, config)

  // 1. hand-out latency of a cached valid token
  const creator = sandbox.addUser()
  const { connectionId } = await connectAccount(app, sandbox, {
    identities,
    openId: creator.openId,
    tenantId: 'bench',
    userId: 'u',
  })
  await handOut({ app, config, internalSecret, connectionId, sandbox })

  // 2. refresh CONNECTIONS due connections in one scheduler pass
  const tiktok = createClientFor(sandbox, {
    clientKey: config.TIKTOK_CLIENT_KEY,
    clientSecret: config.TIKTOK_CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    connections: 32,
  })
  t.teardown(() => tiktok.close())
  const users = Array.from({ length: Math.ceil(CONNECTIONS / 10) }, () => sandbox.addUser().openId)
  const seedStart = Date.now()
  const rows = await pool(CONNECTIONS, 32, async (i) => {
    const tokens = await loginThrough(sandbox, tiktok, {
      openId: users[i % users.length]!,
      scopes: ['user.info.basic'],
      state: `s${i}`,
    })
    const owner = {
      tenantId: `tenant-${Math.floor(i / users.length)}`,
      provider: 'tiktok',
      openId: tokens.openId,
    }
    const timing = tokenTiming(new Date(), tokens.expiresInSec, tokens.refreshExpiresInSec, 300)
    const sealed = sealTokens(app.vault, owner, tokens.accessToken, tokens.refreshToken)
    return {
      id: randomUUID(),
      tenant_id: owner.tenantId,
      open_id: owner.openId,
      scopes: tokens.scopes,
      access_token_sealed: sealed.accessTokenSealed,
      refresh_token_sealed: sealed.refreshTokenSealed,
      token_key_id: sealed.tokenKeyId,
      access_token_expires_at: timing.accessTokenExpiresAt.toISOString(),
      refresh_token_expires_at: timing.refreshTokenExpiresAt.toISOString(),
      next_refresh_at: new Date(Date.now() - 1000).toISOString(),
      connected_by: 'bench',
    }
  })
  for (let i = 0; i < rows.length; i += 1000) {
    await app.sql`insert into auth.connections ${app.sql(rows.slice(i, i + 1000))}`
  }
  console.log(
    `seeded ${CONNECTIONS} connections through real grants in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
  )

  sandbox.clearRequestLog()
  const start = Date.now()
  const pass = await app.refreshScheduler.runOnce()
  const seconds = (Date.now() - start) / 1000
  const calls = sandbox.requestLog().filter((e) => e.endpoint === 'oauth.token').length
  console.log(`refresh of ${CONNECTIONS} due connections (one scheduler pass, 16 parallel claims):`)
  console.log(
    `  ${seconds.toFixed(2)} s (${(CONNECTIONS / seconds).toFixed(0)} connections/s)   refreshed ${pass.refreshed}, failed ${pass.failed}, reauth ${pass.reauthRequired}`,
  )
  console.log(
    `  TikTok token calls ${calls}   calls/connections ${(calls / CONNECTIONS).toFixed(3)} (ideal 1.0)`,
  )
}

try {
  await main()
} finally {
  for (const fn of teardowns.reverse()) await fn()
}
