import { statSync } from 'node:fs'
import { sampleClip } from '@social-bridge/service-kit/testing'
import type { SandboxSettings } from '@social-bridge/tiktok-sandbox'
import t, { type Test } from 'tap'
import { MIB, TikTokUploadError, TikTokUploadProgressUnknownError } from '../../src/index.js'
import { rejectionOf } from '../helpers/rejection.js'
import { type Harness, login, startHarness } from '../helpers/sandbox.js'

const CLIP_40 = await sampleClip('clip-40s-vertical.mp4')
/** Its byte count: 4 chunks of 5 MiB. */
const SIZE = statSync(CLIP_40).size

const uploads = (h: Harness) => h.sandbox.requestLog().filter((e) => e.endpoint === 'upload')

/**
 * Starts a sandbox with the given progress-header reading, inits clip-40s in 5 MiB chunks and
 * sends chunks 0 and 1 through the client, which then "crashes" before recording chunk 1: the
 * server holds 10 MiB the caller does not know about.
 */
async function twoChunksSentRecordLost(t: Test, reading: SandboxSettings['uploadProgressRange']) {
  const h = await startHarness(t, { settings: { uploadProgressRange: reading } })
  const { tokens } = await login(h, ['video.publish'], h.sandbox.addUser({ private: false }))
  const init = await h.client.posting.initDirectPost(tokens.accessToken, {
    postInfo: { privacyLevel: 'PUBLIC_TO_EVERYONE' },
    source: { source: 'FILE_UPLOAD', videoSize: SIZE, preferredChunkSize: 5 * MIB },
  })
  const upload = { uploadUrl: init.uploadUrl!, chunkPlan: init.chunkPlan!, source: CLIP_40 }
  const crash = await rejectionOf(
    h.client.transfer.uploadVideo({
      ...upload,
      onChunkAcknowledged: (a) => {
        if (a.chunkIndex === 1) throw new Error('crashed before recording chunk 1')
      },
    }),
  )
  t.match(crash, { message: /crashed/ })
  return { h, tokens, init, upload }
}

for (const [reading, header] of [
  ['inclusive', `bytes 0-${10 * MIB - 1}/${SIZE}`],
  ['byte_count', `bytes 0-${10 * MIB}/${SIZE}`],
] as const) {
  t.test(`a 416 with the '${reading}' progress header is recovered at the server's chunk`, async (t) => {
    const { h, upload } = await twoChunksSentRecordLost(t, reading)
    const acks: number[] = []
    const result = await h.client.transfer.uploadVideo({
      ...upload,
      startChunk: 0,
      onChunkAcknowledged: (a) => {
        acks.push(a.chunkIndex)
      },
    })
    t.same(result, { uploadedBytes: SIZE, chunksSent: 2, recoveredFrom416: 1 })
    t.same(acks, [0, 1, 2, 3], 'chunks the server already held are reported as acknowledged')
    t.same(
      uploads(h).map((e) => [e.status, e.contentRange]),
      [
        [206, `bytes 0-${5 * MIB - 1}/${SIZE}`],
        [206, `bytes ${5 * MIB}-${10 * MIB - 1}/${SIZE}`],
        [416, `bytes 0-${5 * MIB - 1}/${SIZE}`],
        [206, `bytes ${10 * MIB}-${15 * MIB - 1}/${SIZE}`],
        [201, `bytes ${15 * MIB}-${SIZE - 1}/${SIZE}`],
      ],
    )
    t.equal(uploads(h)[2]?.progress, header, 'the 416 carried the progress in this reading')
  })
}

t.test('a 416 without a progress header is a distinct error, not a restart from chunk 0', async (t) => {
  const { h, upload } = await twoChunksSentRecordLost(t, 'none')
  const err = await rejectionOf(
    h.client.transfer.uploadVideo({ ...upload, startChunk: 0, retryBaseDelayMs: 1 }),
  )
  t.ok(err instanceof TikTokUploadProgressUnknownError)
  t.ok(err instanceof TikTokUploadError, 'still a TikTokUploadError for existing handlers')
  t.match(err, {
    code: 'TIKTOK_UPLOAD_PROGRESS_UNKNOWN',
    httpStatus: 416,
    category: 'permanent',
    uploadedBytes: 0,
  })
  t.notOk(
    String((err as Error).message).includes(new URL(upload.uploadUrl).searchParams.get('upload_token')!),
  )
  t.same(
    uploads(h).map((e) => e.status),
    [206, 206, 416],
    'nothing was sent after the 416',
  )
  t.equal(uploads(h)[2]?.progress, undefined, 'the 416 had no progress header')
})

t.test('a 416 without a progress header is recovered through fetchUploadedBytes (status)', async (t) => {
  const { h, tokens, init, upload } = await twoChunksSentRecordLost(t, 'none')
  const result = await h.client.transfer.uploadVideo({
    ...upload,
    startChunk: 0,
    fetchUploadedBytes: async () =>
      (await h.client.posting.fetchStatus(tokens.accessToken, init.publishId)).uploadedBytes ?? 0,
  })
  t.same(result, { uploadedBytes: SIZE, chunksSent: 2, recoveredFrom416: 1 })
  t.same(
    uploads(h).map((e) => e.status),
    [206, 206, 416, 206, 201],
  )
  t.equal(h.sandbox.requestLog().filter((e) => e.endpoint === 'status.fetch').length, 1)
})
