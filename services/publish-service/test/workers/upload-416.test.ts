import { eq } from 'drizzle-orm'
import t from 'tap'
import { posts } from '../../src/db/schema.js'
import { LeaseLostError } from '../../src/workers/job-queue.js'
import { buildStack, clip40Ranges, MIB, postClip, waitForPost } from '../helper.js'

// A 416 without a progress Content-Range (docs/tiktok-api.md §3.5 leaves the header's form open; the
// sandbox can leave it out): the worker asks status/fetch for `uploaded_bytes` and resumes there.
const stack = await buildStack(t, {
  worker: false,
  config: { CHUNK_SIZE_BYTES: 5 * MIB },
  sandboxSettings: { uploadProgressRange: 'none' },
})
stack.sandbox.updateConfig({ webhookUrl: '' }) // only the worker may learn the outcome here
let forgetAfterChunk: number | undefined
await stack.replica(
  { WORKER_ENABLED: true },
  {
    async afterChunkRecorded(postId, chunkIndex) {
      if (chunkIndex !== forgetAfterChunk) return
      forgetAfterChunk = undefined
      // The record of chunk `chunkIndex` is lost and this run stops here (its lease goes to a
      // replica that then dies): the next run resends a chunk TikTok already holds. Without the
      // throw, this run would go on sending the next chunk while the next run starts: two
      // senders of one upload, which no real crash produces.
      await stack.app.db
        .update(posts)
        .set({ nextChunk: chunkIndex, leaseOwner: 'crashed-replica', leaseUntil: new Date(Date.now() + 500) })
        .where(eq(posts.id, postId))
      throw new LeaseLostError('simulated crash after recording the chunk')
    },
  },
)

t.test(
  'a 416 without a progress header resumes from the status, no chunk lost or re-initialised',
  async (t) => {
    forgetAfterChunk = 1
    const { res } = await postClip(stack, { privacyLevel: 'PUBLIC_TO_EVERYONE' }, 'clip-40s-vertical.mp4')
    const p = await waitForPost(
      stack.app,
      res.json().id,
      (p) => p.status === 'failed' || p.status === 'published',
    )
    t.equal(p.status, 'published', String(p.failReason))

    const log = stack.sandbox.requestLog()
    const uploads = log.filter((e) => e.endpoint === 'upload')
    t.equal(uploads.filter((e) => e.status === 416).length, 1, 'one chunk refused as already held')
    t.equal(uploads.find((e) => e.status === 416)?.progress, undefined, 'the 416 had no progress header')
    t.equal(uploads.at(-1)?.status, 201, 'the upload completed')
    const at416 = log.findIndex((e) => e.endpoint === 'upload' && e.status === 416)
    const statusAfter416 = log.findIndex((e, i) => i > at416 && e.endpoint === 'status.fetch')
    const nextUpload = log.findIndex((e, i) => i > at416 && e.endpoint === 'upload')
    t.ok(statusAfter416 > at416 && statusAfter416 < nextUpload, 'the status was asked before resuming')
    t.equal(log.filter((e) => e.endpoint === 'video.init').length, 1, 'one init')
    const accepted = uploads.filter((e) => e.status === 206 || e.status === 201).map((e) => e.contentRange)
    t.same(accepted, await clip40Ranges(), 'every range accepted once, in order')
  },
)
