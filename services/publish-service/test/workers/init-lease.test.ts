import { eq } from 'drizzle-orm'
import t from 'tap'
import { posts } from '../../src/db/schema.js'
import { buildStack, holdProcessing, postClip, pullClip, waitForPost } from '../helper.js'

// The job lease is lost while TikTok answers an init: another replica holds it when the result
// comes back. The publish_id must be stored anyway, and the post finish with that one init.
const stack = await buildStack(t, { worker: false })
let loseLeaseOnNextInit = false
await stack.replica(
  { WORKER_ENABLED: true },
  {
    async afterInitResponse(postId) {
      if (!loseLeaseOnNextInit) return
      loseLeaseOnNextInit = false
      // As if our lease had lapsed during the call and another replica had claimed the job.
      await stack.app.db
        .update(posts)
        .set({ leaseOwner: 'another-replica', leaseUntil: new Date(Date.now() + 1000) })
        .where(eq(posts.id, postId))
    },
  },
)
const final = (p: Record<string, unknown>) => p.status === 'failed' || p.status === 'published'
const inits = () => stack.sandbox.requestLog().filter((e) => e.endpoint === 'video.init')

t.beforeEach(() => {
  stack.sandbox.clearRequestLog()
  loseLeaseOnNextInit = true
})

t.test('a FILE_UPLOAD publish_id returned after the lease was lost is kept and used: one init', async (t) => {
  holdProcessing(stack, t)
  const { res } = await postClip(stack)
  const p = await waitForPost(stack.app, res.json().id, final)
  t.equal(loseLeaseOnNextInit, false, 'the lease was taken away during the init')
  t.equal(p.status, 'published', String(p.failReason))
  t.equal(inits().length, 1, 'never initialised again')
  t.equal(p.publishId, stack.sandbox.listPublishes().at(-1)?.publishId, 'the publish TikTok created')
  t.same(
    (p.history as { to: string }[]).map((h) => h.to),
    ['queued', 'uploading', 'processing', 'published'],
  )
})

t.test(
  'a PULL_FROM_URL publish_id returned after the lease was lost is kept: published, not failed',
  async (t) => {
    const { res } = await pullClip(stack, t)
    const p = await waitForPost(stack.app, res.json().id, final)
    t.equal(loseLeaseOnNextInit, false, 'the lease was taken away during the init')
    t.equal(p.status, 'published', String(p.failReason))
    t.match(p.publishId, /^v_pub_url~/)
    t.equal(inits().length, 1)
  },
)
