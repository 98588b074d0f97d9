import { createReadStream, statSync } from 'node:fs'
import { sampleClip } from '@social-bridge/service-kit/testing'
import t from 'tap'
import {
  type ChunkAck,
  MIB,
  planChunks,
  type TikTokError,
  TikTokUploadError,
  TikTokUploadUrlExpiredError,
} from '../../src/index.js'
import { rejectionOf } from '../helpers/rejection.js'
import { type Harness, login, startHarness, waitForPublish } from '../helpers/sandbox.js'

const CLIP_15 = await sampleClip('clip-15s-vertical.mp4')
const CLIP_40 = await sampleClip('clip-40s-vertical.mp4')
/** Byte counts of the generated clips (under 5 MiB; 4 chunks of 5 MiB). */
const SIZE_15 = statSync(CLIP_15).size
const SIZE_40 = statSync(CLIP_40).size
/** Logs in a public user with video.publish and inits a Direct Post for `file` in `chunkSize` chunks. */
async function initUpload(h: Harness, file: string, chunkSize = 10_000_000) {
  const { tokens } = await login(h, ['video.publish'], h.sandbox.addUser({ private: false }))
  const init = await h.client.posting.initDirectPost(tokens.accessToken, {
    postInfo: { privacyLevel: 'PUBLIC_TO_EVERYONE', title: 'contract #test', videoCoverTimestampMs: 1000 },
    source: { source: 'FILE_UPLOAD', videoSize: statSync(file).size, preferredChunkSize: chunkSize },
  })
  return { tokens, init, plan: init.chunkPlan!, uploadUrl: init.uploadUrl! }
}

const uploads = (h: Harness) => h.sandbox.requestLog().filter((e) => e.endpoint === 'upload')

t.test(
  'clip-15s goes as one chunk (201), is published, and its 19-digit post id arrives intact',
  async (t) => {
    const h = await startHarness(t)
    const { tokens, init, plan, uploadUrl } = await initUpload(h, CLIP_15)
    t.equal(plan.totalChunkCount, 1)
    t.equal(plan.chunkSize, SIZE_15)
    const result = await h.client.transfer.uploadVideo({ uploadUrl, chunkPlan: plan, source: CLIP_15 })
    t.same(result, { uploadedBytes: SIZE_15, chunksSent: 1, recoveredFrom416: 0 })
    t.same(
      uploads(h).map((e) => [e.status, e.contentRange, e.bytes]),
      [[201, `bytes 0-${SIZE_15 - 1}/${SIZE_15}`, SIZE_15]],
    )
    await waitForPublish(h.sandbox, init.publishId, (p) => p.postIds.length > 0 || p.status === 'FAILED')
    const status = await h.client.posting.fetchStatus(tokens.accessToken, init.publishId)
    t.equal(status.status, 'PUBLISH_COMPLETE', `fail_reason ${status.failReason}`)
    t.equal(status.uploadedBytes, SIZE_15)
    t.equal(status.publicalyAvailablePostId.length, 1)
    t.match(status.publicalyAvailablePostId[0], /^\d{19}$/)
    t.same(
      status.publicalyAvailablePostId,
      h.sandbox.getPublish(init.publishId)?.postIds,
      'same digits as the sandbox',
    )
  },
)

t.test(
  'clip-40s goes in 5 MiB chunks: 206 for each but the last, 201 at the end, every chunk acknowledged',
  async (t) => {
    const h = await startHarness(t)
    const { tokens, init, plan, uploadUrl } = await initUpload(h, CLIP_40, 5 * MIB)
    t.equal(plan.totalChunkCount, 4)
    const acks: ChunkAck[] = []
    const result = await h.client.transfer.uploadVideo({
      uploadUrl,
      chunkPlan: plan,
      source: CLIP_40,
      onChunkAcknowledged: (ack) => {
        acks.push(ack)
      },
    })
    t.equal(result.chunksSent, 4)
    t.same(
      uploads(h).map((e) => e.status),
      [206, 206, 206, 201],
    )
    t.same(
      uploads(h).map((e) => e.contentRange),
      plan.chunks.map((c) => `bytes ${c.firstByte}-${c.lastByte}/${SIZE_40}`),
    )
    t.same(
      acks.map((a) => [a.chunkIndex, a.uploadedBytes, a.complete]),
      [
        [0, 5 * MIB, false],
        [1, 10 * MIB, false],
        [2, 15 * MIB, false],
        [3, SIZE_40, true],
      ],
    )
    await waitForPublish(h.sandbox, init.publishId, (p) => p.status !== 'PROCESSING_UPLOAD')
    const status = await h.client.posting.fetchStatus(tokens.accessToken, init.publishId)
    t.equal(status.status, 'PUBLISH_COMPLETE', `fail_reason ${status.failReason}`)
    t.equal(status.uploadedBytes, SIZE_40)
  },
)

t.test('a chunk source function is called per chunk range and streamed', async (t) => {
  const h = await startHarness(t)
  const { plan, uploadUrl } = await initUpload(h, CLIP_40, 8 * MIB)
  const ranges: [number, number][] = []
  await h.client.transfer.uploadVideo({
    uploadUrl,
    chunkPlan: plan,
    source: (start, end) => {
      ranges.push([start, end])
      return createReadStream(CLIP_40, { start, end })
    },
  })
  t.same(
    ranges,
    plan.chunks.map((c) => [c.firstByte, c.lastByte]),
  )
  t.equal(uploads(h).at(-1)?.status, 201)
})

t.test('after a crash the caller resumes from its recorded chunk and the upload completes', async (t) => {
  const h = await startHarness(t)
  const { tokens, init, plan, uploadUrl } = await initUpload(h, CLIP_40, 5 * MIB)
  let recorded = -1
  const crash = await rejectionOf(
    h.client.transfer.uploadVideo({
      uploadUrl,
      chunkPlan: plan,
      source: CLIP_40,
      onChunkAcknowledged: (a) => {
        recorded = a.chunkIndex
        if (a.chunkIndex === 1) throw new Error('process crashed')
      },
    }),
  )
  t.match(crash, { message: 'process crashed' })
  t.equal(recorded, 1)
  const result = await h.client.transfer.uploadVideo({
    uploadUrl,
    chunkPlan: plan,
    source: CLIP_40,
    startChunk: recorded + 1,
  })
  t.equal(result.chunksSent, 2)
  t.equal(result.recoveredFrom416, 0)
  await waitForPublish(h.sandbox, init.publishId, (p) => p.status !== 'PROCESSING_UPLOAD')
  t.equal((await h.client.posting.fetchStatus(tokens.accessToken, init.publishId)).status, 'PUBLISH_COMPLETE')
})

t.test('an expired upload_url (403) raises TikTokUploadUrlExpiredError and is not retried', async (t) => {
  const h = await startHarness(t)
  const { plan, uploadUrl } = await initUpload(h, CLIP_15)
  h.sandbox.advanceClock(3600_000 + 1)
  const err = await rejectionOf(
    h.client.transfer.uploadVideo({ uploadUrl, chunkPlan: plan, source: CLIP_15, retryBaseDelayMs: 1 }),
  )
  t.ok(err instanceof TikTokUploadUrlExpiredError)
  t.equal((err as TikTokError).code, 'TIKTOK_UPLOAD_URL_EXPIRED')
  t.equal((err as TikTokError).httpStatus, 403)
  t.equal((err as TikTokError).category, 'permanent')
  t.notOk((err as Error).message.includes(new URL(uploadUrl).searchParams.get('upload_token') ?? '???'))
  t.equal(uploads(h).length, 1)
})

/** Faults on chunk PUTs that the client retries through; the log shows each fault, then the chunks. */
const retriedFaults: {
  name: string
  harness?: Parameters<typeof startHarness>[1]
  faults: Parameters<Harness['sandbox']['injectFault']>[0][]
  /** `[fault, status]` of every PUT the sandbox logged (status 0: the connection was dropped). */
  log: [string | undefined, number][]
}[] = [
  {
    name: '5xx answers to a chunk are retried with backoff and the upload completes',
    faults: [{ endpoint: 'upload', kind: 'internal_error', status: 503, count: 2 }],
    log: [
      ['internal_error', 503],
      ['internal_error', 503],
      [undefined, 206],
      [undefined, 206],
      [undefined, 206],
      [undefined, 201],
    ],
  },
  {
    name: 'a chunk PUT that times out or is reset is retried',
    // The timeout must cut the held PUT (5 s) but not a genuine 5 MiB PUT on a loaded machine: at
    // 500 ms a slow genuine PUT was cut too, and its retry failed with an unresumable 416.
    harness: { uploadTimeoutMs: 2000 },
    faults: [
      { endpoint: 'upload', kind: 'timeout', holdMs: 5000 },
      { endpoint: 'upload', kind: 'connection_reset' },
    ],
    log: [
      ['timeout', 0],
      ['connection_reset', 0],
      [undefined, 206],
      [undefined, 206],
      [undefined, 206],
      [undefined, 201],
    ],
  },
]

for (const c of retriedFaults) {
  t.test(c.name, async (t) => {
    const h = await startHarness(t, c.harness)
    const { plan, uploadUrl } = await initUpload(h, CLIP_40, 5 * MIB)
    for (const fault of c.faults) h.sandbox.injectFault(fault)
    const result = await h.client.transfer.uploadVideo({
      uploadUrl,
      chunkPlan: plan,
      source: CLIP_40,
      retryBaseDelayMs: 1,
    })
    t.equal(result.uploadedBytes, SIZE_40)
    t.same(
      uploads(h).map((e) => [e.fault, e.status]),
      c.log,
    )
  })
}

t.test('retries are bounded: persistent 5xx ends in a retryable TikTokUploadError', async (t) => {
  const h = await startHarness(t)
  const { plan, uploadUrl } = await initUpload(h, CLIP_15)
  h.sandbox.injectFault({ endpoint: 'upload', kind: 'internal_error', count: 10 })
  const err = await rejectionOf(
    h.client.transfer.uploadVideo({
      uploadUrl,
      chunkPlan: plan,
      source: CLIP_15,
      maxRetries: 2,
      retryBaseDelayMs: 1,
    }),
  )
  t.ok(err instanceof TikTokUploadError)
  t.equal((err as TikTokUploadError).httpStatus, 500)
  t.equal((err as TikTokUploadError).category, 'retryable')
  t.equal(uploads(h).length, 3, 'one try and two retries')
})

t.test('an unknown upload (wrong upload_token) is a permanent TikTokUploadError 404', async (t) => {
  const h = await startHarness(t)
  const { plan, uploadUrl } = await initUpload(h, CLIP_15)
  const bad = new URL(uploadUrl)
  bad.searchParams.set('upload_token', 'nope')
  const err = await rejectionOf(
    h.client.transfer.uploadVideo({ uploadUrl: bad.toString(), chunkPlan: plan, source: CLIP_15 }),
  )
  t.ok(err instanceof TikTokUploadError)
  t.equal((err as TikTokUploadError).httpStatus, 404)
  t.equal((err as TikTokUploadError).category, 'permanent')
})

t.test('a file whose size differs from the plan is refused before any PUT', async (t) => {
  const h = await startHarness(t)
  const { uploadUrl } = await initUpload(h, CLIP_15)
  const err = await rejectionOf(
    h.client.transfer.uploadVideo({ uploadUrl, chunkPlan: planChunks(26_001_955, 5 * MIB), source: CLIP_15 }),
  )
  t.match(err, { code: 'TIKTOK_INVALID_ARGUMENT' })
  t.equal(uploads(h).length, 0)
})

t.test('inbox upload of clip-15s lands in the inbox (SEND_TO_USER_INBOX)', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['video.upload'])
  const init = await h.client.posting.initInboxUpload(tokens.accessToken, {
    source: { source: 'FILE_UPLOAD', videoSize: statSync(CLIP_15).size },
  })
  await h.client.transfer.uploadVideo({
    uploadUrl: init.uploadUrl!,
    chunkPlan: init.chunkPlan!,
    source: CLIP_15,
  })
  await waitForPublish(h.sandbox, init.publishId, (p) => p.status !== 'PROCESSING_UPLOAD')
  t.equal(
    (await h.client.posting.fetchStatus(tokens.accessToken, init.publishId)).status,
    'SEND_TO_USER_INBOX',
  )
})
