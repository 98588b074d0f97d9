/**
 * The read path, `GET /posts/:id`, against its floor (issue 16): requests/s and latency of
 *  - bare:    a bare Fastify route (no logger, no hooks) running the same two postgres.js queries
 *             (the post by tenant and id, then its status history) on the same database and
 *             answering the rows as JSON — the floor;
 *  - direct:  publish-service's route, called with the internal identity token;
 *  - gateway: `GET /v1/posts/:id` through the gateway (CRM JWT, roles, rate limit, proxy);
 *  - proxy:   a bare Fastify route forwarding to publish-service's route with an undici Pool
 *             (fixed internal token, no logger, no hooks) — the floor of a proxy hop on this
 *             machine, to read the gateway's own cost against;
 * all in one run against the whole stack started as processes (the bare route and the bare proxy
 * each in its own child process), loaded by the same autocannon client. The four are measured in
 * turns, `BENCH_ROUNDS` rounds (default 2), so a burst of load from elsewhere hits one round, not
 * one contender. Each row also prints the CPU time its server processes spent per request (the
 * bare child; publish-service; gateway or bare proxy + publish-service), steadier than throughput
 * on a shared machine.
 * Targets: direct ≥ 0.7 × bare (moonshot 0.85), gateway ≥ 0.8 × direct; proxy/direct shows how
 * much of that any proxy hop leaves. Prints figures, asserts nothing.
 *
 *   pnpm exec tsx bench/read-path.ts   (BENCH_DURATION_SEC, BENCH_CONNECTIONS, BENCH_ROUNDS;
 *   BENCH_CPU_PROF=<dir> writes publish-service's and the gateway's V8 CPU profiles there)
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { sampleClip } from '@social-bridge/service-kit/testing'
import {
  call,
  connectThroughGateway,
  DEV_JWT,
  DEV_TIKTOK,
  pollUntil,
  startTestStack,
} from '@social-bridge/stack'
import autocannon from 'autocannon'
import Fastify, { type FastifyInstance } from 'fastify'
import postgres from 'postgres'
import { Pool } from 'undici'
import { processCpuMicros } from './lib/proc-cpu.js'

const SELF = fileURLToPath(import.meta.url)
const CPU_PROFILE = fileURLToPath(new URL('./lib/cpu-profile.mjs', import.meta.url))
const duration = Number(process.env.BENCH_DURATION_SEC ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)
const rounds = Number(process.env.BENCH_ROUNDS ?? 2)

/** Child role: the bare baseline on `databaseUrl` (argv), prints `READY <url>`. */
async function bareRole(databaseUrl: string, tenantId: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 10, onnotice: () => {} })
  const app = Fastify()
  app.get<{ Params: { id: string } }>('/posts/:id', async (request, reply) => {
    const [post] =
      await sql`select * from publish.posts where tenant_id = ${tenantId} and id = ${request.params.id}`
    if (!post) return reply.status(404).send({ error: 'not found' })
    const history =
      await sql`select * from publish.post_status_history where post_id = ${post.id} order by id`
    return { ...post, history }
  })
  await serveUntilStdinEnds(app, () => sql.end())
}

/**
 * Child role: the bare proxy to `upstream` (argv), each request sent on with `internalToken`
 * (argv) and the answer's status, content type and body sent back; prints `READY <url>`.
 */
async function bareProxyRole(upstream: string, internalToken: string): Promise<void> {
  const pool = new Pool(upstream, { connections: 64 })
  const app = Fastify()
  app.get('/*', async (request, reply) => {
    const res = await pool.request({
      method: 'GET',
      path: request.url,
      headers: { 'x-internal-token': internalToken },
    })
    reply.code(res.statusCode).header('content-type', res.headers['content-type'])
    return Buffer.from(await res.body.arrayBuffer())
  })
  await serveUntilStdinEnds(app, () => pool.close())
}

/** A child role's server: listens, prints `READY <url>`, and closes `app`, then `release`, when stdin ends. */
async function serveUntilStdinEnds(app: FastifyInstance, release: () => Promise<unknown>): Promise<void> {
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  process.stdout.write(`READY ${url}\n`)
  process.stdin.on('end', async () => {
    await app.close()
    await release()
    process.exit(0)
  })
  process.stdin.resume()
}

/** An autocannon run plus the CPU time (user + system) its server processes spent per request, µs. */
interface Measured extends autocannon.Result {
  cpuMicrosPerRequest: number
}

/** Starts this file as a child in `role` (`--bare` or `--proxy`) with `args`; its URL once READY. */
function startChild(role: string, ...args: string[]) {
  const child = spawn(process.execPath, [...process.execArgv, SELF, role, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (l.startsWith('READY ')) resolve(l.slice(6))
    })
    child.once('exit', (code) => reject(new Error(`${role} child exited (${code})`)))
  })
  return { child, url }
}

async function main(): Promise<void> {
  const teardowns: (() => unknown)[] = []
  const prof = process.env.BENCH_CPU_PROF
  const profEnv: Record<string, string> = prof
    ? { NODE_OPTIONS: `--import ${CPU_PROFILE}`, BENCH_CPU_PROF: prof }
    : {}
  // The gateway's per-user budget is raised: the proxy path, not the limiter's 429s, is measured.
  // Log levels stay the services' default (info), as deployed.
  const stack = await startTestStack(
    { teardown: (fn) => teardowns.push(fn) },
    {
      gateway: {
        RATE_LIMIT_PER_MINUTE: '100000000',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
        ...profEnv,
      },
      'publish-service': { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', ...profEnv },
    },
  )
  const children: ReturnType<typeof startChild>[] = []
  const child = (role: string, ...args: string[]) => {
    const started = startChild(role, ...args)
    children.push(started)
    return started
  }
  teardowns.push(() =>
    Promise.all(
      children.map(async ({ child }) => {
        child.stdin?.end()
        if (child.exitCode === null) await new Promise((r) => child.once('exit', r))
      }),
    ),
  )
  const bare = child('--bare', stack.databaseUrl)
  try {
    const internalToken = await stack.internalToken({ tenant: DEV_JWT.tenantId })
    const proxy = child('--proxy', `http://127.0.0.1:${stack.ports.publish}`, internalToken)
    const token = await stack.jwt()
    const connected = await connectThroughGateway({
      gateway: stack.gateway,
      sandbox: stack.sandbox,
      token,
      openId: DEV_TIKTOK.users[0]?.openId ?? '',
    })
    const media = await call('POST', `${stack.gateway}/media`, {
      token,
      file: { path: await sampleClip('clip-15s-vertical.mp4'), type: 'video/mp4' },
    })
    const post = await call('POST', `${stack.gateway}/posts`, {
      token,
      headers: { 'idempotency-key': randomUUID() },
      json: {
        connectionId: connected.connectionId,
        mode: 'direct',
        source: { mediaId: media.body.id },
        privacyLevel: 'PUBLIC_TO_EVERYONE',
      },
    })
    const published = await pollUntil(
      async () => (await call('GET', `${stack.gateway}/posts/${post.body.id}`, { token })).body,
      (p) => p.status === 'published',
    )
    const path = `/posts/${post.body.id}`
    const targets = {
      bare: { url: `${await bare.url}${path}`, headers: {} },
      direct: {
        url: `http://127.0.0.1:${stack.ports.publish}${path}`,
        headers: { 'x-internal-token': internalToken },
      },
      gateway: { url: `${stack.gateway}${path}`, headers: { authorization: `Bearer ${token}` } },
      proxy: { url: `${await proxy.url}${path}`, headers: {} },
    } as const
    type Name = keyof typeof targets
    const check = await call('GET', targets.bare.url)
    console.log(
      `post ${published.status} with ${published.history?.length} history rows; bare answers ${check.status} with ${check.body.history?.length}`,
    )
    // the server processes each path runs through, whose CPU time per answered request is printed
    const servers: Record<Name, number[]> = {
      bare: [bare.child.pid!],
      direct: [stack.pids['publish-service']!],
      gateway: [stack.pids.gateway!, stack.pids['publish-service']!],
      proxy: [proxy.child.pid!, stack.pids['publish-service']!],
    }
    const cpu = (name: Name) => servers[name].reduce((sum, pid) => sum + processCpuMicros(pid), 0)
    const run = async (name: Name, seconds: number): Promise<Measured> => {
      const before = cpu(name)
      const result = await autocannon({ ...targets[name], connections, duration: seconds, pipelining: 1 })
      return { ...result, cpuMicrosPerRequest: (cpu(name) - before) / result.requests.total }
    }
    // warm every path (JIT, pools) before measuring
    for (const name of Object.keys(targets) as Name[]) await run(name, 3)
    const results: Record<Name, Measured[]> = { bare: [], direct: [], gateway: [], proxy: [] }
    for (let r = 0; r < rounds; r++) {
      for (const name of Object.keys(targets) as Name[]) results[name].push(await run(name, duration))
    }

    const row = (name: string, r: Measured) =>
      `${name.padEnd(10)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(3)} ms   p99 ${String(r.latency.p99).padStart(3)} ms   server CPU ${r.cpuMicrosPerRequest.toFixed(0).padStart(4)} µs/request   non-2xx ${r.non2xx}   errors ${r.errors}`
    console.log(`GET /posts/:id — ${connections} connections, ${duration} s per run, ${rounds} rounds`)
    for (let r = 0; r < rounds; r++) {
      const [b, d, g, p] = [results.bare[r]!, results.direct[r]!, results.gateway[r]!, results.proxy[r]!]
      console.log(`round ${r + 1}`)
      console.log(row('  bare', b))
      console.log(row('  direct', d))
      console.log(row('  gateway', g))
      console.log(row('  proxy', p))
      const rps = (x: Measured) => x.requests.average
      console.log(
        `  direct/bare ${(rps(d) / rps(b)).toFixed(2)} (target ≥ 0.70)   gateway/direct ${(rps(g) / rps(d)).toFixed(2)} (target ≥ 0.80)   gateway/bare ${(rps(g) / rps(b)).toFixed(2)} (target ≥ 0.56)   proxy/direct ${(rps(p) / rps(d)).toFixed(2)}   gateway/proxy ${(rps(g) / rps(p)).toFixed(2)}`,
      )
    }
  } finally {
    for (const fn of teardowns.reverse()) await fn()
  }
}

if (process.argv[2] === '--bare') await bareRole(process.argv[3]!, DEV_JWT.tenantId)
else if (process.argv[2] === '--proxy') await bareProxyRole(process.argv[3]!, process.argv[4]!)
else await main()
