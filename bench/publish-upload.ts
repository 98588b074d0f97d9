/**
 * publish-service benchmark: media intake (POST /media → JetStream object store) and upload
 * (object store → sandbox through the publish worker) beside a plain undici PUT of the same file
 * to the sandbox, with the service's RSS sampled from outside while it works.
 *
 *   pnpm exec tsx bench/publish-upload.ts
 *   BENCH_UPLOAD_BYTES=200000000 BENCH_CHUNK_BYTES=67108864 pnpm exec tsx bench/publish-upload.ts
 *
 * The video (default 1.1 GB) repeats the bytes of clip-40s-vertical.mp4 (@social-bridge/service-kit/testing); the sandbox
 * rejects it at processing, which happens after the measured window. publish-service runs in a
 * child process (its own RSS, sampled every 50 ms from /proc, plus the kernel's VmHWM); the
 * sandbox, auth-service, PostgreSQL and NATS run beside it. Prints figures, asserts nothing.
 */
import type { ChildProcess } from 'node:child_process'
import { createReadStream, statSync } from 'node:fs'
import { sampleClip } from '@social-bridge/service-kit/testing'
import { planChunks } from '@social-bridge/tiktok-client'
import { type ConsentServer, createClientFor, loginThrough } from '@social-bridge/tiktok-client/testing'
import { request } from 'undici'
import { ensureVideo } from './lib/large-video.js'
import { putChunksPlain } from './lib/plain-put.js'
import { rssSampler, spawnPublishService } from './lib/publish-service-child.js'

const VIDEO_BYTES = Number(process.env.BENCH_UPLOAD_BYTES ?? 1_100_000_000)
const CHUNK_BYTES = Number(process.env.BENCH_CHUNK_BYTES ?? 10_000_000)
const MB = 1e6
const MIB = 1024 * 1024

/** Plain undici PUTs of the same chunk ranges straight to the sandbox (no service in between). */
async function plainPut(sandbox: ConsentServer & { addUser: () => { openId: string } }, file: string) {
  const client = createClientFor(sandbox, {
    clientKey: 'sbx_client_key',
    clientSecret: 'sbx_client_secret',
    redirectUri: 'https://gateway.test/v1/connections/tiktok/callback',
  })
  const user = sandbox.addUser()
  const tokens = await loginThrough(sandbox, client, { openId: user.openId, scopes: ['video.publish'] })
  const size = statSync(file).size
  const init = await client.posting.initDirectPost(tokens.accessToken, {
    postInfo: { privacyLevel: 'SELF_ONLY', title: 'bench plain' },
    source: { source: 'FILE_UPLOAD', chunkPlan: planChunks(size, CHUNK_BYTES) },
  })
  const plan = init.chunkPlan!
  const started = process.hrtime.bigint()
  await putChunksPlain(init.uploadUrl!, plan, file)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  await client.close()
  return seconds
}

async function main(): Promise<void> {
  const { asUser, buildStack } = await import('@social-bridge/publish-service/testing')
  const teardowns: (() => unknown)[] = []
  const t = { teardown: (fn: () => unknown) => void teardowns.push(fn) }
  const file = await ensureVideo(await sampleClip('clip-40s-vertical.mp4'), VIDEO_BYTES)
  const size = statSync(file).size
  console.log(`video: ${(size / MB).toFixed(0)} MB (${size} bytes), chunk size ${CHUNK_BYTES} bytes`)
  let service: ChildProcess | undefined
  try {
    // Sandbox, auth-service, a database and a namespace; the in-process replica runs no worker.
    const stack = await buildStack(t, {
      worker: false,
      sandboxSettings: { processingDelayMs: 3_600_000, uploadUrlTtlMs: 3_600_000 },
      config: { CHUNK_SIZE_BYTES: CHUNK_BYTES },
    })
    const { connectionId } = await stack.connect()
    const spawned = spawnPublishService({
      ...stack.config,
      LOG_LEVEL: 'warn',
      WORKER_ENABLED: true,
      WORKER_POLL_INTERVAL_MS: 100,
      WORKER_LEASE_MS: 60_000,
      POLL_INITIAL_INTERVAL_MS: 60_000,
    })
    service = spawned.proc
    const url = await spawned.url
    const rss = rssSampler(service.pid!)
    const idleRss = rss.now()
    const headers = await asUser()

    rss.reset()
    let started = process.hrtime.bigint()
    const intake = await request(`${url}/media`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'video/mp4', 'content-length': String(size) },
      body: createReadStream(file),
    })
    const media = (await intake.body.json()) as { id: string; sha256?: string }
    const intakeSec = Number(process.hrtime.bigint() - started) / 1e9
    if (intake.statusCode !== 201)
      throw new Error(`intake answered ${intake.statusCode}: ${JSON.stringify(media)}`)
    const intakePeak = rss.sampledPeak()

    rss.reset()
    started = process.hrtime.bigint()
    const created = await request(`${url}/posts`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        connectionId,
        mode: 'direct',
        source: { mediaId: media.id },
        privacyLevel: 'SELF_ONLY',
      }),
    })
    const post = (await created.body.json()) as { id: string }
    if (created.statusCode !== 202)
      throw new Error(`create answered ${created.statusCode}: ${JSON.stringify(post)}`)
    let status = 'queued'
    while (!['processing', 'published', 'failed'].includes(status)) {
      await new Promise((r) => setTimeout(r, 100))
      const res = await request(`${url}/posts/${post.id}`, { headers })
      status = ((await res.body.json()) as { status: string }).status
    }
    const uploadSec = Number(process.hrtime.bigint() - started) / 1e9
    const uploadPeak = rss.sampledPeak()
    const kernelPeak = rss.kernelPeak()
    rss.stop()
    if (status === 'failed') throw new Error('the post failed during upload')

    const plainSec = await plainPut(stack.sandbox, file)

    const mbps = (sec: number) => `${(size / MB / sec).toFixed(1)} MB/s`
    const mib = (b: number) => `${(b / MIB).toFixed(0)} MiB`
    console.log('')
    console.log(`intake  POST /media → object store   ${intakeSec.toFixed(1)} s  ${mbps(intakeSec)}`)
    console.log(
      `upload  object store → sandbox       ${uploadSec.toFixed(1)} s  ${mbps(uploadSec)}  (create → processing)`,
    )
    console.log(`plain   undici PUT file → sandbox    ${plainSec.toFixed(1)} s  ${mbps(plainSec)}`)
    console.log('')
    console.log(
      `service RSS idle ${mib(idleRss)}, peak during intake ${mib(intakePeak)}, peak during upload ${mib(uploadPeak)}`,
    )
    console.log(
      `service VmHWM (whole run) ${mib(kernelPeak)}; chunk size ${mib(CHUNK_BYTES)}; video ${mib(size)}`,
    )
  } finally {
    if (service && service.exitCode === null) {
      service.kill('SIGTERM')
      await new Promise((r) => service?.once('exit', r))
    }
    for (const fn of teardowns.reverse()) await fn()
  }
}

await main()
