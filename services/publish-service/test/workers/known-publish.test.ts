import { eq } from 'drizzle-orm'
import t from 'tap'
import { type PostRow, posts } from '../../src/db/schema.js'
import { buildStack, postClip, waitForPost } from '../helper.js'

// Once TikTok gave a publish_id, the post is reconciled by status, never initialised again
// (unless the upload URL expired before every byte was sent: recovery.test.ts).
const stack = await buildStack(t, { worker: false })
stack.sandbox.updateConfig({ webhookUrl: '' }) // only the worker may learn the outcome here
let afterLastChunk: ((postId: string) => Promise<void>) | undefined
await stack.replica(
  { WORKER_ENABLED: true },
  {
    async afterChunkRecorded(postId, chunkIndex, totalChunks) {
      if (chunkIndex !== totalChunks - 1 || !afterLastChunk) return
      const run = afterLastChunk
      afterLastChunk = undefined
      await run(postId)
    },
  },
)
const final = (p: Record<string, unknown>) => p.status === 'failed' || p.status === 'published'
const log = (endpoint: string) => stack.sandbox.requestLog().filter((e) => e.endpoint === endpoint)

/** The worker stops right here (its lease goes to a replica that then dies); `patch` is what it leaves. */
const crashWith = (patch: Partial<PostRow>) => async (postId: string) => {
  await stack.app.db
    .update(posts)
    .set({ ...patch, leaseOwner: 'crashed-replica', leaseUntil: new Date(Date.now() + 500) })
    .where(eq(posts.id, postId))
}

async function publishClip() {
  const { res } = await postClip(stack)
  return waitForPost(stack.app, res.json().id, final)
}

t.beforeEach(() => stack.sandbox.clearRequestLog())

t.test('every chunk acknowledged, then the upload URL expired: status is fetched, no new init', async (t) => {
  afterLastChunk = async (postId) => {
    // The upload URL (1 h) and the access token expire while the post waits for the next worker.
    await crashWith({ uploadUrlExpiresAt: new Date(Date.now() - 1000) })(postId)
    stack.sandbox.advanceClock(2 * 3600_000)
  }
  const p = await publishClip()
  t.equal(p.status, 'published', String(p.failReason))
  t.equal(log('video.init').length, 1, 'one init')
  t.equal(log('upload').length, 1, 'the chunk was sent once')
  t.ok(log('status.fetch').length > 0, 'reconciled by status')
  t.equal(stack.sandbox.listPublishes().filter((x) => x.publishId === p.publishId).length, 1)
})

t.test(
  'TikTok holds every byte but the last acknowledgement was lost: 404 → status, no new init',
  async (t) => {
    const publishesBefore = stack.sandbox.listPublishes().length
    afterLastChunk = crashWith({ nextChunk: 0, uploadedBytes: 0 })
    const p = await publishClip()
    t.equal(p.status, 'published', String(p.failReason))
    t.equal(log('video.init').length, 1, 'one init')
    t.same(
      log('upload').map((e) => e.status),
      [201, 404],
      'the resent chunk is refused: TikTok is past uploading',
    )
    t.equal(stack.sandbox.listPublishes().length, publishesBefore + 1, 'one publish at TikTok')
    const note = (p.history as { from: string; to: string; reason: string | null; message: string }[]).find(
      (h) => h.reason === 'upload_not_accepted',
    )
    t.ok(note, 'the status history says why the status was checked')
    t.equal(note?.from, note?.to, 'a note, not a status change')
    t.match(note?.message, /status is being checked/)
  },
)
