/**
 * Upload benchmark: @social-bridge/tiktok-client `transfer.uploadVideo` versus plain undici PUTs
 * of the same chunk ranges, against the TikTok sandbox in its own child process, for two file
 * sizes — so the output shows whether the client keeps ≥ 0.8 of the plain PUT's throughput and
 * whether its peak RSS stays flat as the file grows (issue 3's acceptance).
 *
 *   pnpm exec tsx bench/tiktok-upload.ts
 *   BENCH_UPLOAD_SIZES=268435456,1100000000 BENCH_CHUNK_BYTES=67108864 \
 *     BENCH_ORDER=client,plain,plain,client pnpm exec tsx bench/tiktok-upload.ts
 *
 * Per size the file is read once first (page cache warm for both sides), then uploaded in
 * `BENCH_ORDER` (default A-B-B-A, so neither side always runs first or last); throughput is total
 * bytes over total seconds per side. Every upload runs in its own child (lib/upload-child.ts), so
 * its peak RSS is its own. Prints figures; asserts nothing on time.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { sampleClip } from '@social-bridge/service-kit/testing'
import { MIB, planChunks } from '@social-bridge/tiktok-client'
import { ensureVideo, warmPageCache } from './lib/large-video.js'
import type { RunResult } from './lib/upload-child.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const CHILD = path.join(HERE, 'lib', 'upload-child.ts')
const SIZES = (process.env.BENCH_UPLOAD_SIZES ?? process.env.BENCH_UPLOAD_BYTES ?? `${256 * MIB},1100000000`)
  .split(',')
  .map(Number)
const CHUNK_BYTES = Number(process.env.BENCH_CHUNK_BYTES ?? 64 * MIB)
const ORDER = (process.env.BENCH_ORDER ?? 'client,plain,plain,client').split(',') as ('client' | 'plain')[]

/** Spawns the child script in a role and resolves with the first line starting with `prefix`. */
function child(args: string[], prefix: string): { proc: ChildProcess; line: Promise<string> } {
  const proc = spawn(process.execPath, [...process.execArgv, CHILD, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const line = new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! })
    rl.on('line', (l) => {
      if (l.startsWith(prefix)) resolve(l.slice(prefix.length))
    })
    proc.once('exit', (code) =>
      reject(new Error(`${args[0]} child exited with ${code} before ${prefix.trim()}`)),
    )
  })
  return { proc, line }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1)
const mib = (bytes: number) => (bytes / MIB).toFixed(1)
const growth = (r: RunResult) => r.peakRssSampledBytes - r.baselineRssBytes

/** One side's figures for one size: throughput over all its runs, worst peak RSS. */
function side(runs: RunResult[]) {
  const bytes = runs.reduce((n, r) => n + r.bytes, 0)
  const seconds = runs.reduce((n, r) => n + r.seconds, 0)
  const worst = runs.reduce((a, b) => (growth(b) > growth(a) ? b : a))
  return { mbPerSec: bytes / 1e6 / seconds, peakRss: worst.peakRssSampledBytes, growth: growth(worst) }
}

async function benchSize(size: number, infoJson: string): Promise<RunResult[]> {
  const file = await ensureVideo(await sampleClip('clip-40s-vertical.mp4'), size)
  const plan = planChunks(size, CHUNK_BYTES)
  console.log(
    `\n${mb(size)} MB (${file}): ${plan.totalChunkCount} chunks of ${mib(plan.chunkSize)} MiB, ` +
      `last ${mib(plan.chunks.at(-1)!.size)} MiB; warming the page cache…`,
  )
  await warmPageCache(file)
  const results: RunResult[] = []
  for (const mode of ORDER) {
    const run = child([mode, file, String(CHUNK_BYTES), infoJson], 'RESULT ')
    const r = JSON.parse(await run.line) as RunResult
    results.push(r)
    console.log(
      `  ${mode.padEnd(6)} ${(r.bytes / 1e6 / r.seconds).toFixed(1).padStart(7)} MB/s  ${r.seconds.toFixed(2).padStart(6)} s  ` +
        `RSS baseline ${mib(r.baselineRssBytes)} MiB, peak ${mib(r.peakRssSampledBytes)} MiB ` +
        `(+${mib(growth(r))}), VmHWM ${mib(r.peakRssKernelBytes)} MiB`,
    )
  }
  return results
}

async function main(): Promise<void> {
  console.log(`chunk size ${mib(CHUNK_BYTES)} MiB, order per size: ${ORDER.join(' → ')}`)
  const sandbox = child(['sandbox'], 'READY ')
  const infoJson = await sandbox.line
  try {
    const bySize: [number, RunResult[]][] = []
    for (const size of SIZES) bySize.push([size, await benchSize(size, infoJson)])
    console.log(
      '\n      size   client MB/s   plain MB/s   ratio (≥ 0.8)   client peak RSS (+growth)   plain peak RSS (+growth)',
    )
    for (const [size, runs] of bySize) {
      const c = side(runs.filter((r) => r.mode === 'client'))
      const p = side(runs.filter((r) => r.mode === 'plain'))
      console.log(
        `${mb(size).padStart(8)} MB  ${c.mbPerSec.toFixed(1).padStart(11)}  ${p.mbPerSec.toFixed(1).padStart(11)}  ` +
          `${(c.mbPerSec / p.mbPerSec).toFixed(2).padStart(13)}   ${mib(c.peakRss).padStart(10)} MiB (+${mib(c.growth)})` +
          `   ${mib(p.peakRss).padStart(12)} MiB (+${mib(p.growth)})`,
      )
    }
    const growths = bySize.map(([size, runs]) => [size, side(runs.filter((r) => r.mode === 'client')).growth])
    const [small, large] = [growths[0]!, growths.at(-1)!]
    console.log(
      `\nclient RSS growth during upload: ${mib(small[1]!)} MiB at ${mb(small[0]!)} MB, ` +
        `${mib(large[1]!)} MiB at ${mb(large[0]!)} MB (file ×${(large[0]! / small[0]!).toFixed(1)}, ` +
        `chunk ${mib(CHUNK_BYTES)} MiB)`,
    )
  } finally {
    sandbox.proc.stdin?.end()
    sandbox.proc.kill('SIGTERM')
  }
}

await main()
