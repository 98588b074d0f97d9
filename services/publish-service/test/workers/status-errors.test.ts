import { eq } from 'drizzle-orm'
import t from 'tap'
import { posts } from '../../src/db/schema.js'
import { buildStack, postClip, waitForPost } from '../helper.js'

// status/fetch errors (docs/tiktok-api.md §3.8). Webhooks are off: polling is the only way to learn.
const stack = await buildStack(t, { config: { TIKTOK_RATE_LIMIT_BACKOFF_MS: 1500 } })
stack.sandbox.updateConfig({ webhookUrl: '' })
const final = (p: Record<string, unknown>) => p.status === 'failed' || p.status === 'published'
const log = (endpoint: string) => stack.sandbox.requestLog().filter((e) => e.endpoint === endpoint)

t.beforeEach(() => {
  stack.sandbox.clearRequestLog()
  stack.sandbox.clearFaults()
})

async function post() {
  const { res } = await postClip(stack)
  return res.json().id as string
}

t.test(
  '429 on status fetch: the poll backs off, the CRM sees why, and the post still publishes',
  async (t) => {
    stack.sandbox.injectFault({ endpoint: 'status.fetch', kind: 'rate_limit', count: 2 })
    const id = await post()
    const waiting = await waitForPost(stack.app, id, (p) => final(p) || p.waitingFor !== null)
    t.equal(waiting.status, 'processing', 'not failed by a 429')
    t.equal(waiting.waitingFor?.reason, 'tiktok_rate_limited')
    t.match(waiting.waitingFor?.message, /slow down/)
    t.ok(Date.parse(waiting.waitingFor?.retryAt) > Date.parse(waiting.updatedAt) - 1, 'with the retry time')
    const p = await waitForPost(stack.app, id, final)
    t.equal(p.status, 'published', String(p.failReason))
    t.equal(p.waitingFor, null, 'nothing to wait for any more')
    t.same(
      log('status.fetch')
        .slice(0, 3)
        .map((e) => e.status),
      [429, 429, 200],
    )
    t.notOk(
      (p.history as { to: string }[]).some((h) => h.to === 'failed'),
      'never failed on the way',
    )
  },
)

t.test('400 invalid_publish_id on status fetch fails the post with a message to check TikTok', async (t) => {
  stack.sandbox.updateSettings({ processingDelayMs: 3_600_000 })
  t.teardown(() => stack.sandbox.updateSettings({ processingDelayMs: 20 }))
  const id = await post()
  const processing = await waitForPost(stack.app, id, (p) => final(p) || p.status === 'processing')
  t.equal(processing.status, 'processing')
  // TikTok forgot the publish (the sandbox has no admin call for that): a publish_id it never issued.
  const unknown = 'v_pub_file~v2-1.000000000000000000'
  await stack.app.db.update(posts).set({ publishId: unknown }).where(eq(posts.id, id))
  const p = await waitForPost(stack.app, id, final)
  t.equal(p.status, 'failed')
  t.equal(p.failReason, 'invalid_publish_id')
  t.match(p.failMessage, /no longer recognises.*Check the TikTok account/)
  t.equal(p.publishId, unknown, 'the publish the post was following stays visible')
  t.ok(
    log('status.fetch').some((e) => e.status === 400 && e.errorCode === 'invalid_publish_id'),
    'TikTok answered invalid_publish_id',
  )
  t.equal((p.history as { to: string; reason: string }[]).at(-1)?.reason, 'invalid_publish_id')
  const row = await stack.app.publish.posts.getById(id)
  t.match(row, { phase: 'done', nextRunAt: null, leaseOwner: null })
})
