/**
 * Upload benchmark: @social-bridge/tiktok-client `transfer.uploadVideo` versus plain undici PUTs of
 * the same chunk ranges, against the TikTok sandbox running in its own child process.
 *
 *   pnpm exec tsx bench/tiktok-upload.ts
 *   BENCH_UPLOAD_BYTES=200000000 BENCH_CHUNK_BYTES=16777216 pnpm exec tsx bench/tiktok-upload.ts
 *
 * Each upload also runs in its own child process, so the peak RSS printed is that upload's alone
 * (sampled every 50 ms, and the kernel's VmHWM). Prints figures, asserts nothing on time.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createReadStream, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
// The bench workspace declares both packages; import their public entry points by path so the
// bench also runs where the workspace links under bench/node_modules are not installed.
import { createPkcePair, createTikTokClient, MIB, planChunks } from '../packages/tiktok-client/src/index.js'
import { ensureVideo } from './lib/large-video.js'

const SELF = fileURLToPath(import.meta.url)
const REPO_ROOT = path.resolve(path.dirname(SELF), '..')
const MEDIA_DIR = process.env.SHARED_MEDIA_DIR ?? path.resolve(REPO_ROOT, '../shared/media')
const CLIP = path.join(MEDIA_DIR, 'clip-40s-vertical.mp4')
const VIDEO_BYTES = Number(process.env.BENCH_UPLOAD_BYTES ?? 1_100_000_000)
const CHUNK_BYTES = Number(process.env.BENCH_CHUNK_BYTES ?? 64 * MIB)
const CLIENT_KEY = 'bench_client_key'
const CLIENT_SECRET = 'bench_client_secret'
const REDIRECT_URI = 'http://127.0.0.1:3000/callback'

interface SandboxInfo {
  url: string
  accessToken: string
}

interface RunResult {
  mode: 'client' | 'plain'
  bytes: number
  seconds: number
  chunks: number
  baselineRssBytes: number
  peakRssSampledBytes: number
  peakRssKernelBytes: number
}

/** Child role: runs the sandbox, creates a user and a token, prints `READY {url, accessToken}`. */
async function sandboxRole(): Promise<void> {
  const { createSandbox } = await import('../packages/tiktok-sandbox/src/index.js')
  const sandbox = await createSandbox({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
    verifiedUrlPrefixes: [],
    // Keep media processing out of the measured window.
    settings: { processingDelayMs: 3_600_000, uploadUrlTtlMs: 3_600_000 },
  })
  const user = sandbox.addUser({ displayName: 'Bench', private: true })
  const client = createTikTokClient({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    authBaseUrl: sandbox.url,
    apiBaseUrl: sandbox.url,
  })
  const pkce = createPkcePair()
  const authorizeUrl = client.oauth.buildAuthorizeUrl({
    scopes: ['video.publish', 'video.upload'],
    state: 'bench',
    codeChallenge: pkce.codeChallenge,
  })
  const callback = client.oauth.parseCallback(await sandbox.approve(authorizeUrl, { openId: user.openId }))
  const tokens = await client.oauth.exchangeCode({
    code: callback.code ?? '',
    codeVerifier: pkce.codeVerifier,
  })
  await client.close()
  const info: SandboxInfo = { url: sandbox.url, accessToken: tokens.accessToken }
  process.stdout.write(`READY ${JSON.stringify(info)}\n`)
  const stop = async () => {
    await sandbox.close()
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
}

/** Child role: one upload (client or plain), prints `RESULT {...}`. */
async function uploadRole(mode: 'client' | 'plain', file: string, info: SandboxInfo): Promise<void> {
  const client = createTikTokClient({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    apiBaseUrl: info.url,
    uploadTimeoutMs: 600_000,
  })
  const size = statSync(file).size
  const init = await client.posting.initDirectPost(info.accessToken, {
    postInfo: { privacyLevel: 'SELF_ONLY', title: `bench ${mode}` },
    source: { source: 'FILE_UPLOAD', chunkPlan: planChunks(size, CHUNK_BYTES) },
  })
  const plan = init.chunkPlan!
  const uploadUrl = init.uploadUrl!
  global.gc?.()
  const baselineRssBytes = process.memoryUsage().rss
  let peak = baselineRssBytes
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 50)
  const started = process.hrtime.bigint()
  if (mode === 'client') {
    await client.transfer.uploadVideo({ uploadUrl, chunkPlan: plan, source: file })
  } else {
    for (const chunk of plan.chunks) {
      const res = await request(uploadUrl, {
        method: 'PUT',
        headers: {
          'content-type': 'video/mp4',
          'content-length': String(chunk.size),
          'content-range': `bytes ${chunk.firstByte}-${chunk.lastByte}/${plan.videoSize}`,
        },
        body: createReadStream(file, { start: chunk.firstByte, end: chunk.lastByte }),
      })
      await res.body.dump()
      const expected = chunk.index === plan.chunks.length - 1 ? 201 : 206
      if (res.statusCode !== expected)
        throw new Error(`plain PUT of chunk ${chunk.index} got ${res.statusCode}`)
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage().rss)
  await client.close()
  const result: RunResult = {
    mode,
    bytes: size,
    seconds,
    chunks: plan.totalChunkCount,
    baselineRssBytes,
    peakRssSampledBytes: peak,
    peakRssKernelBytes: kernelPeakRss(),
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
}

function kernelPeakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) * 1024 : 0
}

/** Spawns this file in a role and resolves with the first line starting with `prefix`. */
function child(args: string[], prefix: string): { proc: ChildProcess; line: Promise<string> } {
  const proc = spawn(process.execPath, [...process.execArgv, SELF, ...args], {
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

async function main(): Promise<void> {
  const [role, ...rest] = process.argv.slice(2)
  if (role === 'sandbox') return sandboxRole()
  if (role === 'client' || role === 'plain')
    return uploadRole(role, rest[0]!, JSON.parse(rest[1]!) as SandboxInfo)

  console.log(
    `preparing a ${mb(VIDEO_BYTES)} MB video from ${CLIP} (byte repetition; ffmpeg is not required)`,
  )
  const file = await ensureVideo(CLIP, VIDEO_BYTES)
  const plan = planChunks(VIDEO_BYTES, CHUNK_BYTES)
  console.log(
    `file ${file}: ${mb(VIDEO_BYTES)} MB, ${plan.totalChunkCount} chunks of ${mib(plan.chunkSize)} MiB ` +
      `(last ${mib(plan.chunks.at(-1)!.size)} MiB)`,
  )
  const sandbox = child(['sandbox'], 'READY ')
  const infoJson = await sandbox.line
  try {
    const results: RunResult[] = []
    for (const mode of ['client', 'plain'] as const) {
      const run = child([mode, file, infoJson], 'RESULT ')
      results.push(JSON.parse(await run.line) as RunResult)
    }
    console.log('')
    console.log('mode    MB/s     seconds  baseline RSS  peak RSS (sampled / VmHWM)  peak − baseline')
    for (const r of results) {
      console.log(
        `${r.mode.padEnd(7)} ${(r.bytes / 1e6 / r.seconds).toFixed(1).padStart(7)}  ${r.seconds.toFixed(2).padStart(7)}  ` +
          `${mib(r.baselineRssBytes).padStart(9)} MiB  ${mib(r.peakRssSampledBytes).padStart(8)} / ${mib(r.peakRssKernelBytes)} MiB` +
          `      ${mib(r.peakRssSampledBytes - r.baselineRssBytes).padStart(6)} MiB`,
      )
    }
    const [c, p] = results as [RunResult, RunResult]
    const ratio = c.bytes / c.seconds / (p.bytes / p.seconds)
    console.log('')
    console.log(`throughput ratio client/plain: ${ratio.toFixed(2)} (target ≥ 0.8)`)
    console.log(
      `client peak RSS ${mib(c.peakRssSampledBytes)} MiB for a ${mib(c.bytes)} MiB file with ${mib(plan.chunkSize)} MiB chunks: ` +
        `growth over baseline ${mib(c.peakRssSampledBytes - c.baselineRssBytes)} MiB = ` +
        `${((c.peakRssSampledBytes - c.baselineRssBytes) / plan.chunkSize).toFixed(2)} × chunk size, ` +
        `${((c.peakRssSampledBytes - c.baselineRssBytes) / c.bytes).toFixed(3)} × file size`,
    )
  } finally {
    sandbox.proc.stdin?.end()
    sandbox.proc.kill('SIGTERM')
  }
}

await main()
