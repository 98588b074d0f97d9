/**
 * Media intake against its floor (issue 16): `POST /media` on a publish-service replica (its own
 * process: streamed body → SHA-256 → JetStream object store, then inspection) beside plain
 * object-store puts of the same file (each its own process), for each size in
 * BENCH_INTAKE_SIZES (bytes, default 100 MB and 1 GB). The plain put runs once per technique in
 * BENCH_OBJECT_PUTS (`bench/lib/plain-object-put.ts`; default: nats.js `ObjectStore.put` with
 * 128 KiB — the library's default — and 1 MiB chunks, the last also with node:crypto SHA-256
 * instead of the library's pure-JS one, and publish-service's `putObject` with 512 KiB chunks at
 * windows 1, 4 and 8, with 1 MiB at window 8, and with the service's settings), so the settings
 * are compared in the same run; last, the service's put behind a bare Fastify route, uploaded to
 * by this process as the intake is (`http:`): the floor of any intake over HTTP on this machine,
 * where client, server and nats-server share the cores. CPU figures (user + system, from /proc)
 * are printed for the putting process, nats-server and, for uploads, the HTTP client. Before
 * measuring, one small intake warms the
 * replica (mediainfo.js WASM, JIT), as a replica that has served before. Prints MB/s and peak
 * RSS of each process, intake / the plain put with the service's settings (target ≥ 0.9),
 * intake / the same put behind the bare route, and intake / the fastest plain put. Prints figures, asserts nothing. `BENCH_CPU_PROF=<dir>` writes
 * the replica's V8 CPU profile there when it stops.
 *
 *   pnpm exec tsx bench/media-intake.ts
 *   BENCH_INTAKE_SIZES=100000000 BENCH_OBJECT_PUTS=lib:1048576:js,window:524288:4 pnpm exec tsx bench/media-intake.ts
 */
import { spawn } from 'node:child_process'
import { createReadStream, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { OBJECT_CHUNK_BYTES, OBJECT_PUT_WINDOW } from '@social-bridge/publish-service'
import { asUser, testPublishConfig } from '@social-bridge/publish-service/testing'
import {
  createTestDatabase,
  createTestNamespace,
  sampleClip,
  TEST_NATS_URL,
} from '@social-bridge/service-kit/testing'
import { request } from 'undici'
import { ensureVideo, warmPageCache } from './lib/large-video.js'
import { natsServerPid, processCpuMicros } from './lib/proc-cpu.js'
import { rssSampler, spawnPublishService } from './lib/publish-service-child.js'

const PLAIN_PUT = fileURLToPath(new URL('./lib/plain-object-put.ts', import.meta.url))
const CPU_PROFILE = fileURLToPath(new URL('./lib/cpu-profile.mjs', import.meta.url))
const SIZES = (process.env.BENCH_INTAKE_SIZES ?? '100000000,1000000000').split(',').map(Number)
const KIB = 1024
const SERVICE_PUT = `window:${OBJECT_CHUNK_BYTES}:${OBJECT_PUT_WINDOW}`
/** The service's put behind a bare HTTP route: the floor of any intake over HTTP on this machine. */
const HTTP_PUT = `http:${OBJECT_CHUNK_BYTES}:${OBJECT_PUT_WINDOW}`
const PUTS = (
  process.env.BENCH_OBJECT_PUTS ??
  [
    `lib:${128 * KIB}:js`,
    `lib:${1024 * KIB}:js`,
    `lib:${1024 * KIB}:native`,
    ...[1, 4, 8].map((w) => `window:${512 * KIB}:${w}`),
    `window:${1024 * KIB}:8`,
    SERVICE_PUT,
    HTTP_PUT,
  ].join(',')
)
  .split(',')
  .filter((put, i, all) => put && all.indexOf(put) === i)
const MB = 1e6
const MIB = 1024 * 1024

interface Figures {
  seconds: number
  peakRssBytes: number
  /** CPU (user + system) of the putting process, or of the replica, during the transfer. */
  cpuSeconds: number
  /** CPU of nats-server during the transfer (when found in /proc). */
  natsCpuSeconds?: number
  /** The replica's RSS when the intake began. */
  startRssBytes?: number
  /** CPU of the HTTP client (this process) during an intake. */
  clientCpuSeconds?: number
}

const NATS_PID = natsServerPid()
const natsCpu = () => (NATS_PID ? processCpuMicros(NATS_PID) / 1e6 : Number.NaN)

/** How a put spec reads in the table, e.g. `nats.js put 512 KiB, js SHA` / `putObject 512 KiB, window 4`. */
function describe(put: string): string {
  const [technique, chunk, setting] = put.split(':') as [string, string, string]
  const kib = `${(Number(chunk) / KIB).toFixed(0).padStart(4)} KiB`
  return technique === 'lib'
    ? `nats.js put      ${kib}, ${setting.padEnd(6)} SHA`
    : `${technique === 'http' ? 'HTTP + putObject' : 'putObject       '} ${kib}, window ${setting.padEnd(3)}`
}

/**
 * One plain put of `file` with the technique `put` (see plain-object-put.ts), in a child process;
 * for `http:` the child serves the bare route and `file` is uploaded to it as to the replica.
 */
async function plainPut(file: string, put: string, bucket: string): Promise<Figures> {
  const child = spawn(process.execPath, [...process.execArgv, PLAIN_PUT, file, put, TEST_NATS_URL, bucket], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  try {
    const nats = natsCpu()
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line.startsWith('READY ')) return await upload(line.slice(6), child.pid!, file, {})
      if (line.startsWith('RESULT '))
        return { ...(JSON.parse(line.slice(7)) as Figures), natsCpuSeconds: natsCpu() - nats }
    }
    throw new Error(`plain put exited (${child.exitCode}) without a result`)
  } finally {
    child.stdin?.end()
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r))
  }
}

/** One `POST /media` of `file` to the replica at `url` as the CRM user. */
const intake = async (url: string, pid: number, file: string) => upload(url, pid, file, await asUser())

/** One `POST /media` of `file` to the server at `url` (process `pid`, whose RSS is followed from outside). */
async function upload(
  url: string,
  pid: number,
  file: string,
  auth: Record<string, string>,
): Promise<Figures> {
  const size = statSync(file).size
  const rss = rssSampler(pid)
  rss.reset()
  const startRssBytes = rss.now()
  const cpu = processCpuMicros(pid)
  const client = process.cpuUsage()
  const nats = natsCpu()
  const started = process.hrtime.bigint()
  const res = await request(`${url}/media`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'video/mp4', 'content-length': String(size) },
    body: createReadStream(file, { highWaterMark: MIB }),
  })
  const body = (await res.body.json()) as { id?: string }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpuSeconds = (processCpuMicros(pid) - cpu) / 1e6
  const natsCpuSeconds = natsCpu() - nats
  const clientCpu = process.cpuUsage(client)
  rss.stop()
  if (res.statusCode !== 201) throw new Error(`intake answered ${res.statusCode}: ${JSON.stringify(body)}`)
  return {
    seconds,
    peakRssBytes: Math.max(rss.sampledPeak(), rss.now()),
    cpuSeconds,
    natsCpuSeconds,
    startRssBytes,
    clientCpuSeconds: (clientCpu.user + clientCpu.system) / 1e6,
  }
}

async function main(): Promise<void> {
  const teardowns: (() => unknown)[] = []
  const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) }
  try {
    const namespace = createTestNamespace(t)
    const config = testPublishConfig({
      databaseUrl: await createTestDatabase(t),
      namespace,
      sandboxUrl: 'http://127.0.0.1:9',
      authUrl: 'http://127.0.0.1:9',
      overrides: { LOG_LEVEL: 'warn', WORKER_ENABLED: false },
    })
    const prof = process.env.BENCH_CPU_PROF
    const service = spawnPublishService(
      config,
      prof ? { NODE_OPTIONS: `--import ${CPU_PROFILE}`, BENCH_CPU_PROF: prof } : {},
    )
    teardowns.push(service.stop)
    const url = await service.url
    const pid = service.proc.pid!
    const clip = await sampleClip('clip-40s-vertical.mp4')
    await intake(url, pid, clip) // warm-up: first-call costs are not throughput
    const mbps = (size: number, f: Figures) => `${(size / MB / f.seconds).toFixed(1).padStart(6)} MB/s`
    const rssOf = (f: Figures) =>
      `peak RSS ${(f.peakRssBytes / MIB).toFixed(0).padStart(4)} MiB` +
      `${f.startRssBytes === undefined ? '' : ` (from ${(f.startRssBytes / MIB).toFixed(0)})`}   CPU ${f.cpuSeconds.toFixed(2)} s` +
      ` (nats-server ${f.natsCpuSeconds?.toFixed(2)} s${f.clientCpuSeconds === undefined ? '' : `, HTTP client ${f.clientCpuSeconds.toFixed(2)} s`})`
    for (const size of SIZES) {
      const file = await ensureVideo(clip, size)
      await warmPageCache(file)
      console.log(`\n${(size / MB).toFixed(0)} MB (${size} bytes)`)
      const plain = new Map<string, Figures>()
      for (const put of PUTS) {
        const f = await plainPut(file, put, `${namespace}_bench_plain`)
        plain.set(put, f)
        console.log(`  plain ${describe(put)}  ${mbps(size, f)}   ${rssOf(f)}`)
      }
      const f = await intake(url, pid, file)
      console.log(`  POST /media (service: ${describe(SERVICE_PUT).trim()})  ${mbps(size, f)}   ${rssOf(f)}`)
      const base = plain.get(SERVICE_PUT)
      if (base) {
        console.log(
          `  intake / plain put with the service's settings: ${(base.seconds / f.seconds).toFixed(2)} (target ≥ 0.90)`,
        )
      }
      const overHttp = plain.get(HTTP_PUT)
      if (overHttp) {
        console.log(
          `  intake / the same put behind a bare HTTP route: ${(overHttp.seconds / f.seconds).toFixed(2)}`,
        )
      }
      const best = [...plain.entries()]
        .filter(([put]) => !put.startsWith('http:'))
        .sort((a, b) => a[1].seconds - b[1].seconds)[0]
      if (best) {
        console.log(
          `  intake / fastest plain put (${describe(best[0]).replace(/\s+/g, ' ')}): ${(best[1].seconds / f.seconds).toFixed(2)}`,
        )
      }
    }
  } finally {
    for (const fn of teardowns.reverse()) await fn()
  }
}

await main()
