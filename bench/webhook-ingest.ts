/**
 * webhook-ingest benchmark: signed TikTok webhook deliveries against the real service (verify →
 * JetStream publish → wait for the ack → 200) beside a bare Fastify route returning 200, in the
 * same run on the same machine, with autocannon at 100 connections.
 *
 *   pnpm exec tsx bench/webhook-ingest.ts
 *   BENCH_DURATION_SEC=20 BENCH_CONNECTIONS=100 pnpm exec tsx bench/webhook-ingest.ts
 *
 * Both servers run in one child process (so the server has its own event loop and autocannon
 * does not steal it); the ingest uses the machine's NATS (NATS_URL, default 127.0.0.1:4222) in a
 * fresh namespace whose stream is deleted at the end. Every ingest request carries a distinct
 * body, so each one is a new event, signed when it is sent with the current time as `t` (so no
 * request ages past WEBHOOK_TOLERANCE_SEC however long the run; the bare route gets the same
 * signing work on the client side). Each measured run sends a fixed number of
 * requests (the warm-up's rate × BENCH_DURATION_SEC, so about that long) and waits for every
 * answer, so none is cut off in flight; then the child reads the stream and checks that it holds
 * exactly one message per 200 the server answered, and that every 200 the client saw is among
 * them ("every request durable"). Throughput counts only 200 answers. Prints figures; asserts
 * nothing on time. Then both are loaded open-loop (autocannon `overallRate`) at half the bare
 * route's closed-loop maximum for ~BENCH_DURATION_SEC, so their latencies compare at the same
 * offered rate; and again, with the durable floor, at half the ingest's own maximum (the first
 * rate can come close to the ingest's maximum, where its p99 only measures a growing queue).
 * Target (issue 16): ingest ≥ 0.6 × bare throughput at 100 connections, open-loop
 * p99 ≤ 2 × the bare route's, every ingest answer a 200 (a run with any other answer misses the
 * target whatever its speed) and durable.
 *
 * A third route in the same child, "bare durable publish", is the floor of any durable answer:
 * a bare Fastify route that publishes the raw body to a file-backed stream of its own (its SHA-256
 * as `Nats-Msg-Id`, the same duplicate window as TIKTOK_WEBHOOKS, service-kit's JetStream publisher as
 * the ingest uses, one event-loop turn's publishes issued together as the ingest does) and
 * answers 200 once acked — no verification, no parsing, no hooks. It is measured closed-loop
 * after the ingest, and `ingest/durable` says how much of the gap to the bare 200 route is the
 * ingest's own.
 *
 * Each row also prints CPU time per answered request (user + system, µs, over the measured run)
 * of the server process, of the load client (this process) and of nats-server when it runs on
 * this machine: the three share the cores, so their sum bounds the throughput. The server's is a
 * steadier figure than the throughput on a shared machine, and the one to read when changing the
 * request path. `BENCH_CPU_PROF=<dir>` writes the server's V8 CPU
 * profile there (node --cpu-prof).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { Streams } from '@social-bridge/contracts'
import { createFastifyOptions, createJetStreamPublisher, loadConfig } from '@social-bridge/service-kit'
import appPlugin, { Config, SERVICE_NAME, WEBHOOK_BODY_LIMIT_BYTES } from '@social-bridge/webhook-ingest'
import Fastify from 'fastify'
import { natsServerPid, processCpuMicros } from './lib/proc-cpu.js'

const SELF = fileURLToPath(import.meta.url)
const DURATION_SEC = Number(process.env.BENCH_DURATION_SEC ?? 10)
const WARMUP_REQUESTS = Number(process.env.BENCH_WARMUP_REQUESTS ?? 5000)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100)
const POOL = Number(process.env.BENCH_POOL ?? 500_000)
const CLIENT_KEY = 'bench_client_key'
const CLIENT_SECRET = 'bench_client_secret'
const PATH = '/webhooks/tiktok'

// ---------------------------------------------------------------- child: the two servers

interface Ready {
  ingest: string
  bare: string
  durable: string
}
interface Verdict {
  streamMessages: number
  server200: number
  client200: number
  client200Missing: number
}

async function serve(): Promise<void> {
  const namespace = `bench${randomBytes(4).toString('hex')}`
  const config = loadConfig(Config, {
    PORT: '0',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    NATS_NAMESPACE: namespace,
    TIKTOK_CLIENT_KEY: CLIENT_KEY,
    TIKTOK_CLIENT_SECRET: CLIENT_SECRET,
  })
  const ingest = Fastify(
    createFastifyOptions({
      service: SERVICE_NAME,
      logLevel: config.LOG_LEVEL,
      bodyLimit: WEBHOOK_BODY_LIMIT_BYTES,
    }),
  )
  let server200 = 0
  ingest.addHook('onResponse', async (request, reply) => {
    if (request.url === PATH && reply.statusCode === 200) server200++
  })
  await ingest.register(appPlugin, { config })
  const bare = Fastify()
  bare.post(PATH, async () => ({}))
  // The floor of a durable answer: the raw body published to a file-backed stream of its own with
  // its SHA-256 as Nats-Msg-Id (as the ingest stores it), the publishes of one event-loop turn
  // issued together (as the ingest does), 200 once acked; no verification, no hooks.
  const floorStream = `${namespace.toUpperCase()}_BENCH_FLOOR`
  const floorSubject = `${namespace}.bench.floor`
  // the ingest stream's duplicate window: nats-server keeps every id of the window in memory
  const duplicateWindowNs = Streams.tiktokWebhooks.duplicateWindowSec * 1e9
  await ingest.nats.jsm.streams.add({
    name: floorStream,
    subjects: [floorSubject],
    duplicate_window: duplicateWindowNs,
  })
  let turn: (() => void)[] = []
  const issueTurn = () => {
    const batch = turn
    turn = []
    for (const issue of batch) issue()
  }
  // the ingest's own publisher (service-kit), the cheapest JetStream publish we have
  const floorPublisher = createJetStreamPublisher(ingest.nats.nc)
  const durable = Fastify()
  durable.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  )
  durable.post(
    PATH,
    (request) =>
      new Promise((resolve, reject) => {
        const body = request.body as Buffer
        const msgId = createHash('sha256').update(body).digest('hex')
        if (turn.length === 0) setImmediate(issueTurn)
        turn.push(() =>
          floorPublisher
            .publish(floorSubject, body, { msgId, timeoutMs: 5000 })
            .then(() => resolve({}), reject),
        )
      }),
  )
  const ready: Ready = {
    ingest: await ingest.listen({ host: '127.0.0.1', port: 0 }),
    bare: await bare.listen({ host: '127.0.0.1', port: 0 }),
    durable: await durable.listen({ host: '127.0.0.1', port: 0 }),
  }
  process.stdout.write(`${JSON.stringify(ready)}\n`)

  const stream = `${namespace.toUpperCase()}_TIKTOK_WEBHOOKS`
  for await (const line of createInterface({ input: process.stdin })) {
    const cmd = JSON.parse(line) as { verify?: string; cpu?: true }
    if (cmd.cpu) {
      const { user, system } = process.cpuUsage()
      process.stdout.write(`${JSON.stringify({ cpuMicros: user + system })}\n`)
      continue
    }
    if (!cmd.verify) break
    const expected = readFileSync(cmd.verify, 'utf8').split('\n').filter(Boolean)
    const total = (await ingest.nats.jsm.streams.info(stream)).state.messages
    const ids = new Set<string>()
    const consumer = await ingest.nats.js.consumers.get(stream)
    while (ids.size < total) {
      const batch = await consumer.fetch({ max_messages: Math.min(10_000, total - ids.size), expires: 5000 })
      for await (const m of batch) ids.add(m.headers?.get('Nats-Msg-Id') ?? '')
    }
    const verdict: Verdict = {
      streamMessages: total,
      server200,
      client200: expected.length,
      client200Missing: expected.filter((id) => !ids.has(id)).length,
    }
    process.stdout.write(`${JSON.stringify(verdict)}\n`)
  }
  await ingest.nats.jsm.streams.delete(stream)
  await ingest.nats.jsm.streams.delete(floorStream)
  await durable.close()
  await ingest.close()
  await bare.close()
}

// ---------------------------------------------------------------- parent: autocannon

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonRequest {
  method: string
  path: string
  setupRequest?: (req: Record<string, unknown>, context: Record<string, unknown>) => Record<string, unknown>
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void
}
interface AutocannonResult {
  requests: { average: number; total: number }
  /** Seconds the run took. */
  duration: number
  latency: { p50: number; p99: number; average: number; max: number }
  statusCodeStats: Record<string, { count: number }>
  errors: number
  timeouts: number
  non2xx: number
}
type Autocannon = (opts: {
  url: string
  connections: number
  amount: number
  /** Open loop: requests per second over all connections, sent whether or not answers came. */
  overallRate?: number
  requests: AutocannonRequest[]
}) => Promise<AutocannonResult>
const autocannon = createRequire(path.join(path.dirname(SELF), 'package.json'))('autocannon') as Autocannon

/** `count` distinct webhook bodies (docs/tiktok-api.md §4.3), signed at send time by {@link sign}. */
function bodyPool(count: number): string[] {
  const t = Math.floor(Date.now() / 1000)
  const bodies: string[] = new Array(count)
  for (let i = 0; i < count; i++) {
    const content = JSON.stringify({ publish_id: `v_pub_file~v2-1.${i}`, publish_type: 'DIRECT_POST' })
    bodies[i] = JSON.stringify({
      client_key: CLIENT_KEY,
      event: 'post.publish.complete',
      create_time: t,
      user_openid: `open_id_${i % 1000}`,
      content,
    })
  }
  return bodies
}

/** `TikTok-Signature` of `body` (§4.2) with `t` = now, so a delivery is never stale when sent. */
function sign(body: string): string {
  const t = Math.floor(Date.now() / 1000)
  return `t=${t},s=${createHmac('sha256', CLIENT_SECRET).update(`${t}.${body}`).digest('hex')}`
}

/** Where a run's requests come from in the pool, and which ones were answered 200. */
interface Cursor {
  next: number
  ok: number[]
}

/** An autocannon result plus the rate of 200 answers from the first request to the last answer. */
interface Run extends AutocannonResult {
  /** 200 answers per second (other answers are not throughput). */
  rps: number
  seconds: number
  ok200: number
  answered: number
  /** Requests the run sent. */
  sent: number
}

/**
 * Sends `amount` requests to `url` over the connections, each the next body of the pool; waits for
 * every answer. With `overallRate` (requests/s) the load is open-loop at that fixed rate.
 */
async function load(
  url: string,
  amount: number,
  pool: string[],
  cursor: Cursor,
  overallRate?: number,
): Promise<Run> {
  let answered = 0
  let ok200 = 0
  let lastAnswerAt = 0
  const startedAt = performance.now()
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    amount,
    ...(overallRate ? { overallRate } : {}),
    requests: [
      {
        method: 'POST',
        path: PATH,
        setupRequest: (req, context) => {
          const i = cursor.next++ % pool.length
          context.i = i
          const body = pool[i]!
          return {
            ...req,
            headers: { 'content-type': 'application/json', 'tiktok-signature': sign(body) },
            body,
          }
        },
        onResponse: (status, _body, context) => {
          answered++
          lastAnswerAt = performance.now()
          if (status === 200) {
            ok200++
            cursor.ok.push(context.i as number)
          }
        },
      },
    ],
  })
  // autocannon ends a run on its next 1-second tick, so its own duration overstates short runs
  const seconds = (lastAnswerAt - startedAt) / 1000
  return { ...result, rps: ok200 / seconds, seconds, ok200, answered, sent: amount }
}

/**
 * A measured run plus CPU time (user + system) per answered request, in µs, of the server process,
 * of this process (the load client) and of nats-server (NaN when it does not run on this machine):
 * the three share the machine's cores.
 */
interface Measured extends Run {
  serverCpuMicrosPerRequest: number
  clientCpuMicrosPerRequest: number
  natsCpuMicrosPerRequest: number
}

function startChild(): Promise<{ child: ChildProcess; ready: Ready; next: () => Promise<string> }> {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      SELF,
      '--serve',
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const next = async () => {
    const r = await lines.next()
    if (r.done) throw new Error('the server process ended')
    return r.value as string
  }
  return next().then((line) => ({ child, ready: JSON.parse(line) as Ready, next }))
}

/** `a`'s p99 over `b`'s (a 0 ms p99 counts as 1 µs). */
const p99Over = (a: Run, b: Run) => a.latency.p99 / Math.max(b.latency.p99, 0.001)

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits })

function row(name: string, r: Measured) {
  const codes = Object.entries(r.statusCodeStats)
    .map(([code, s]) => `${code}×${s.count}`)
    .join(' ')
  const cpu = `CPU µs/request server ${fmt(r.serverCpuMicrosPerRequest).padStart(3)} client ${fmt(r.clientCpuMicrosPerRequest).padStart(3)} nats-server ${fmt(r.natsCpuMicrosPerRequest).padStart(3)}`
  return `${name.padEnd(22)} ${fmt(r.rps).padStart(8)} 200/s over ${fmt(r.seconds, 1)} s   p50 ${fmt(r.latency.p50, 1).padStart(3)} ms   p99 ${fmt(r.latency.p99, 1).padStart(3)} ms   max ${fmt(r.latency.max)} ms   ${cpu}   [${codes}${r.errors ? ` errors×${r.errors}` : ''}${r.timeouts ? ` timeouts×${r.timeouts}` : ''}]`
}

async function main(): Promise<void> {
  const poolStart = performance.now()
  const pool = bodyPool(POOL)
  console.log(
    `webhook-ingest bench: ${CONNECTIONS} connections, ~${DURATION_SEC} s per run after ${fmt(WARMUP_REQUESTS)} warm-up requests; ` +
      `${fmt(POOL)} distinct bodies precomputed in ${fmt(performance.now() - poolStart)} ms, each signed when sent`,
  )
  const { child, ready, next } = await startChild()
  try {
    const bareCursor: Cursor = { next: 0, ok: [] }
    const ingestCursor: Cursor = { next: 0, ok: [] }
    const durableCursor: Cursor = { next: 0, ok: [] }
    const serverCpuMicros = async () => {
      child.stdin!.write(`${JSON.stringify({ cpu: true })}\n`)
      return (JSON.parse(await next()) as { cpuMicros: number }).cpuMicros
    }
    const natsPid = natsServerPid()
    const clientCpuMicros = () => {
      const { user, system } = process.cpuUsage()
      return user + system
    }
    const natsCpuMicros = () => (natsPid ? processCpuMicros(natsPid) : Number.NaN)
    /** Runs `run` and adds each process's CPU per answered request. */
    const withCpu = async (run: () => Promise<Run>): Promise<Measured> => {
      const before = [await serverCpuMicros(), clientCpuMicros(), natsCpuMicros()]
      const r = await run()
      const after = [await serverCpuMicros(), clientCpuMicros(), natsCpuMicros()]
      const per = (i: number) => (after[i]! - before[i]!) / r.answered
      return {
        ...r,
        serverCpuMicrosPerRequest: per(0),
        clientCpuMicrosPerRequest: per(1),
        natsCpuMicrosPerRequest: per(2),
      }
    }
    const measure = async (url: string, cursor: Cursor): Promise<Measured> => {
      const warm = await load(url, WARMUP_REQUESTS, pool, cursor)
      // the warmed-up rate sizes a ~2 s calibration run, whose rate sizes the measured run
      const calibration = await load(url, Math.max(1000, Math.round(warm.rps * 2)), pool, cursor)
      return withCpu(() =>
        load(url, Math.max(1000, Math.round(calibration.rps * DURATION_SEC)), pool, cursor),
      )
    }
    console.log(
      `load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    )
    const bare = await measure(ready.bare, bareCursor)
    const ingest = await measure(ready.ingest, ingestCursor)
    const floor = await measure(ready.durable, durableCursor)
    // Open loop at half the bare route's maximum: the same offered rate to both, latency compared.
    const rate = Math.max(100, Math.round(bare.rps / 2))
    const openLoop = (url: string, cursor: Cursor, offered: number) =>
      withCpu(() => load(url, Math.round(offered * DURATION_SEC), pool, cursor, offered))
    const bareOpen = await openLoop(ready.bare, bareCursor, rate)
    const ingestOpen = await openLoop(ready.ingest, ingestCursor, rate)
    // Again at half the ingest's own maximum, where its queue stays bounded: what its latency
    // costs when it is not saturated (the rate above can reach the ingest's maximum).
    const ingestRate = Math.max(100, Math.round(ingest.rps / 2))
    const bareOpenLow = await openLoop(ready.bare, bareCursor, ingestRate)
    const ingestOpenLow = await openLoop(ready.ingest, ingestCursor, ingestRate)
    const floorOpenLow = await openLoop(ready.durable, durableCursor, ingestRate)
    console.log(
      `load average after:  ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    )

    console.log(row('bare Fastify 200', bare))
    console.log(row('webhook-ingest', ingest))
    console.log(row('bare durable publish', floor))
    const ratio = ingest.rps / bare.rps
    console.log(
      `throughput ratio ingest/bare: ${fmt(ratio, 2)}; server CPU per request ingest/bare: ` +
        fmt(ingest.serverCpuMicrosPerRequest / bare.serverCpuMicrosPerRequest, 2),
    )
    console.log(
      `the durable floor: durable/bare ${fmt(floor.rps / bare.rps, 2)}, ingest/durable ${fmt(ingest.rps / floor.rps, 2)}; ` +
        `server CPU per request durable/bare ${fmt(floor.serverCpuMicrosPerRequest / bare.serverCpuMicrosPerRequest, 2)}`,
    )
    // at or above the ingest's own maximum the open-loop queue grows and its p99 says nothing else
    console.log(
      `open loop, ${fmt(rate)} requests/s offered (half the bare route's maximum; ` +
        `${fmt(rate / ingest.rps, 2)} × the ingest's closed-loop maximum):`,
    )
    console.log(row('  bare Fastify 200', bareOpen))
    console.log(row('  webhook-ingest', ingestOpen))
    const p99Ratio = p99Over(ingestOpen, bareOpen)
    console.log(`open-loop p99 ingest/bare: ${fmt(p99Ratio, 2)} (target ≤ 2)`)
    console.log(`open loop, ${fmt(ingestRate)} requests/s offered (half the ingest's closed-loop maximum):`)
    console.log(row('  bare Fastify 200', bareOpenLow))
    console.log(row('  webhook-ingest', ingestOpenLow))
    console.log(row('  bare durable publish', floorOpenLow))
    console.log(
      `open-loop p99 at half the ingest's maximum: ingest/bare ${fmt(p99Over(ingestOpenLow, bareOpenLow), 2)}, ` +
        `durable/bare ${fmt(p99Over(floorOpenLow, bareOpenLow), 2)}, ingest/durable ${fmt(p99Over(ingestOpenLow, floorOpenLow), 2)}`,
    )

    const wrapped = ingestCursor.next > POOL // only the ingest run stores bodies
    const idsFile = path.join(tmpdir(), `webhook-ingest-bench-${process.pid}.ids`)
    writeFileSync(
      idsFile,
      ingestCursor.ok.map((i) => createHash('sha256').update(pool[i]!).digest('hex')).join('\n'),
    )
    child.stdin!.write(`${JSON.stringify({ verify: idsFile })}\n`)
    const v = JSON.parse(await next()) as Verdict
    rmSync(idsFile, { force: true })
    const distinct = new Set(ingestCursor.ok).size
    console.log(
      `durability (warm-up + runs): server answered 200 × ${fmt(v.server200)}, stream holds ${fmt(v.streamMessages)} ` +
        `messages; client saw 200 × ${fmt(v.client200)} (${fmt(distinct)} distinct bodies), ${fmt(v.client200Missing)} of them missing from the stream` +
        (wrapped ? '; WARNING: the body pool wrapped, later requests were duplicates' : ''),
    )
    const durable = v.server200 === v.streamMessages && v.client200Missing === 0 && !wrapped
    console.log(durable ? 'every request durable: yes' : 'every request durable: NO')
    const all200 = [ingest, ingestOpen, ingestOpenLow].every((r) => r.ok200 === r.sent)
    const met = all200 && ratio >= 0.6 && p99Ratio <= 2
    console.log(
      `target (every answer 200, ≥ 0.6 × bare throughput, open-loop p99 ≤ 2 × bare's): ${met ? 'met' : 'MISSED'} ` +
        `(200 × ${fmt(ingest.ok200 + ingestOpen.ok200 + ingestOpenLow.ok200)} of ${fmt(ingest.sent + ingestOpen.sent + ingestOpenLow.sent)} requests, ratio ${fmt(ratio, 2)}, ` +
        `open-loop p99 ${fmt(ingestOpen.latency.p99, 1)} vs ${fmt(bareOpen.latency.p99, 1)} ms)`,
    )
    if (!durable) process.exitCode = 1
  } finally {
    child.stdin!.end()
    await new Promise((r) => child.once('exit', r))
  }
}

if (process.argv.includes('--serve')) await serve()
else await main()
