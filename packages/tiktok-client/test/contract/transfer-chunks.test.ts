import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { login, startHarness } from '../helpers/sandbox.js'

t.test(
  'a 50,000,123-byte file in 10,000,000-byte chunks goes as 5 PUTs, the last one 10,000,123 bytes',
  async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tiktok-client-chunks-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    // Not a video (processing will reject it); the transfer is what is under test.
    const file = path.join(dir, 'fifty-million.bin')
    await writeFile(file, '')
    await truncate(file, 50_000_123)

    const h = await startHarness(t)
    const { tokens } = await login(h, ['video.publish'])
    const init = await h.client.posting.initDirectPost(tokens.accessToken, {
      postInfo: { privacyLevel: 'SELF_ONLY' },
      source: { source: 'FILE_UPLOAD', videoSize: 50_000_123, preferredChunkSize: 10_000_000 },
    })
    t.match(init.chunkPlan, { videoSize: 50_000_123, chunkSize: 10_000_000, totalChunkCount: 5 })
    const result = await h.client.transfer.uploadVideo({
      uploadUrl: init.uploadUrl!,
      chunkPlan: init.chunkPlan!,
      source: file,
    })
    t.same(result, { uploadedBytes: 50_000_123, chunksSent: 5, recoveredFrom416: 0 })

    const log = h.sandbox.requestLog()
    const initEntry = log.find((e) => e.endpoint === 'video.init')
    t.equal(initEntry?.status, 200, 'the sandbox accepted chunk_size 10,000,000 × 5')
    t.same(
      log.filter((e) => e.endpoint === 'upload').map((e) => [e.method, e.status, e.contentRange, e.bytes]),
      [
        ['PUT', 206, 'bytes 0-9999999/50000123', 10_000_000],
        ['PUT', 206, 'bytes 10000000-19999999/50000123', 10_000_000],
        ['PUT', 206, 'bytes 20000000-29999999/50000123', 10_000_000],
        ['PUT', 206, 'bytes 30000000-39999999/50000123', 10_000_000],
        ['PUT', 201, 'bytes 40000000-50000122/50000123', 10_000_123],
      ],
    )
    const status = await h.client.posting.fetchStatus(tokens.accessToken, init.publishId)
    t.equal(status.uploadedBytes, 50_000_123)
  },
)
