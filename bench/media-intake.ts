/**
 * Media intake against its floor (issue 16): `POST /media` on a publish-service replica (its own
 * process: streamed body → SHA-256 → JetStream object store, then inspection) beside a plain
 * nats.js object-store put of the same file (also its own process), for each size in
 * BENCH_INTAKE_SIZES (bytes, default 100 MB and 1 GB). The plain put runs once per object-store
 * chunk size in BENCH_OBJECT_CHUNKS (default 128 KiB — the library's default —, 512 KiB and 1 MiB,
 * the server's max_payload cap), so the settings are compared in the same run. Prints MB/s and
 * peak RSS of each process and intake / plain put at the service's chunk size
 * (`OBJECT_CHUNK_BYTES`). Target: ≥ 0.9. Prints figures, asserts nothing.
 *
 *   pnpm exec tsx bench/media-intake.ts
 *   BENCH_INTAKE_SIZES=100000000 BENCH_OBJECT_CHUNKS=1048576 pnpm exec tsx bench/media-intake.ts
 */
import { spawn } from 'node:child_process'
import { createReadStream, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import {
  createTestDatabase,
  createTestNamespace,
  sampleClip,
  TEST_NATS_URL,
} from '@social-bridge/service-kit/testing'
import { request } from 'undici'
import { OBJECT_CHUNK_BYTES } from '../services/publish-service/src/plugins/external/media-store.js'
import { asUser } from '../services/publish-service/test/helper.js'
import { testPublishConfig } from '../services/publish-service/test/publish-config.js'
import { ensureVideo, warmPageCache } from './lib/large-video.js'
import { rssSampler, spawnPublishService } from './lib/publish-service-child.js'

const PLAIN_PUT = fileURLToPath(new URL('./lib/plain-object-put.ts', import.meta.url))
const SIZES = (process.env.BENCH_INTAKE_SIZES ?? '100000000,1000000000').split(',').map(Number)
const CHUNKS = (process.env.BENCH_OBJECT_CHUNKS ?? `${128 * 1024},${512 * 1024},${1024 * 1024}`)
  .split(',')
  .map(Number)
const MB = 1e6
const MIB = 1024 * 1024

interface Figures {
  seconds: number
  peakRssBytes: number
}

/** One plain put of `file` with `chunk`-byte object chunks, in a child process. */
async function plainPut(file: string, chunk: number, bucket: string): Promise<Figures> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, PLAIN_PUT, file, String(chunk), TEST_NATS_URL, bucket],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith('RESULT ')) return JSON.parse(line.slice(7)) as Figures
  }
  throw new Error(`plain put exited (${child.exitCode}) without a result`)
}

/** One `POST /media` of `file` to the replica at `url`, with its RSS followed from outside. */
async function intake(url: string, pid: number, file: string): Promise<Figures> {
  const size = statSync(file).size
  const rss = rssSampler(pid)
  rss.reset()
  const started = process.hrtime.bigint()
  const res = await request(`${url}/media`, {
    method: 'POST',
    headers: { ...(await asUser()), 'content-type': 'video/mp4', 'content-length': String(size) },
    body: createReadStream(file, { highWaterMark: MIB }),
  })
  const body = (await res.body.json()) as { id?: string }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  rss.stop()
  if (res.statusCode !== 201) throw new Error(`intake answered ${res.statusCode}: ${JSON.stringify(body)}`)
  return { seconds, peakRssBytes: Math.max(rss.sampledPeak(), rss.now()) }
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
    const service = spawnPublishService(config)
    teardowns.push(service.stop)
    const url = await service.url
    const pid = service.proc.pid!
    const clip = await sampleClip('clip-40s-vertical.mp4')
    const mbps = (size: number, f: Figures) => `${(size / MB / f.seconds).toFixed(1).padStart(6)} MB/s`
    const rssOf = (f: Figures) => `peak RSS ${(f.peakRssBytes / MIB).toFixed(0).padStart(4)} MiB`
    for (const size of SIZES) {
      const file = await ensureVideo(clip, size)
      await warmPageCache(file)
      console.log(`\n${(size / MB).toFixed(0)} MB (${size} bytes)`)
      const plain = new Map<number, Figures>()
      for (const chunk of CHUNKS) {
        const f = await plainPut(file, chunk, `${namespace}_bench_plain`)
        plain.set(chunk, f)
        console.log(
          `  plain object-store put, ${(chunk / 1024).toFixed(0).padStart(4)} KiB chunks  ${mbps(size, f)}   ${rssOf(f)}`,
        )
      }
      const f = await intake(url, pid, file)
      console.log(
        `  POST /media (service, ${OBJECT_CHUNK_BYTES / 1024} KiB chunks)  ${mbps(size, f)}   ${rssOf(f)}`,
      )
      const base = plain.get(OBJECT_CHUNK_BYTES)
      if (base) {
        console.log(
          `  intake / plain put at ${OBJECT_CHUNK_BYTES / 1024} KiB: ${(base.seconds / f.seconds).toFixed(2)} (target ≥ 0.90)`,
        )
      }
      const best = [...plain.entries()].sort((a, b) => a[1].seconds - b[1].seconds)[0]!
      console.log(
        `  intake / fastest plain put (${best[0] / 1024} KiB): ${(best[1].seconds / f.seconds).toFixed(2)}`,
      )
    }
  } finally {
    for (const fn of teardowns.reverse()) await fn()
  }
}

await main()
