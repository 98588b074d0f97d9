/**
 * Child processes of `bench/tiktok-upload.ts`, one role each, so every upload's memory is its own:
 *
 *   upload-child.ts sandbox              → runs the TikTok sandbox, prints `READY {url, accessToken}`
 *   upload-child.ts client|plain FILE J  → one upload of FILE (J = the READY JSON), prints `RESULT {…}`
 *
 * `client` sends the file with @social-bridge/tiktok-client `transfer.uploadVideo`; `plain` sends
 * the same chunk ranges with bare undici PUTs (the baseline). Both stream from disk.
 */
import { readFileSync, statSync } from 'node:fs'
import { createTikTokClient, planChunks } from '@social-bridge/tiktok-client'
import { createClientFor, loginThrough } from '@social-bridge/tiktok-client/testing'
import { serveUntilParentStops } from './child-role.js'
import { putChunksPlain } from './plain-put.js'

const CLIENT_KEY = 'bench_client_key'
const CLIENT_SECRET = 'bench_client_secret'
const REDIRECT_URI = 'http://127.0.0.1:3000/callback'

/** What the sandbox child prints after `READY `. */
export interface SandboxInfo {
  url: string
  accessToken: string
}

/** What an upload child prints after `RESULT `. Sizes in bytes, time in seconds. */
export interface RunResult {
  mode: 'client' | 'plain'
  bytes: number
  seconds: number
  chunks: number
  chunkSize: number
  /** RSS after the init call, before the first PUT. */
  baselineRssBytes: number
  /** Highest RSS sampled every 50 ms during the upload. */
  peakRssSampledBytes: number
  /** The kernel's VmHWM for the whole child (includes start-up). */
  peakRssKernelBytes: number
}

async function sandboxRole(): Promise<void> {
  const { createSandbox } = await import('@social-bridge/tiktok-sandbox')
  const sandbox = await createSandbox({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
    // Keep media processing out of the measured window; allow one init per run.
    settings: {
      processingDelayMs: 3_600_000,
      uploadUrlTtlMs: 3_600_000,
      rateLimits: { 'video.init': { limit: 1000, key: 'token' } },
    },
  })
  const user = sandbox.addUser({ displayName: 'Bench', private: true })
  const client = createClientFor(sandbox, {
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
  })
  const tokens = await loginThrough(sandbox, client, { openId: user.openId, scopes: ['video.publish'] })
  await client.close()
  const info: SandboxInfo = { url: sandbox.url, accessToken: tokens.accessToken }
  serveUntilParentStops(JSON.stringify(info), () => sandbox.close())
}

async function uploadRole(
  mode: 'client' | 'plain',
  file: string,
  chunkBytes: number,
  info: SandboxInfo,
): Promise<void> {
  const client = createTikTokClient({
    clientKey: CLIENT_KEY,
    clientSecret: CLIENT_SECRET,
    apiBaseUrl: info.url,
    uploadTimeoutMs: 600_000,
  })
  const size = statSync(file).size
  const init = await client.posting.initDirectPost(info.accessToken, {
    postInfo: { privacyLevel: 'SELF_ONLY', title: `bench ${mode}` },
    source: { source: 'FILE_UPLOAD', chunkPlan: planChunks(size, chunkBytes) },
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
    await putChunksPlain(uploadUrl, plan, file)
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
    chunkSize: plan.chunkSize,
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

const [role, ...rest] = process.argv.slice(2)
if (role === 'sandbox') await sandboxRole()
else if (role === 'client' || role === 'plain') {
  await uploadRole(role, rest[0]!, Number(rest[1]), JSON.parse(rest[2]!) as SandboxInfo)
}
