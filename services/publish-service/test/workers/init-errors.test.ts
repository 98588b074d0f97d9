import { eq } from 'drizzle-orm'
import t, { type Test } from 'tap'
import { media as mediaTable } from '../../src/db/schema.js'
import { buildStack, createDirectPost, media, uploadMedia, waitForPost } from '../helper.js'

// TikTok's init errors (docs/tiktok-api.md §3.2) that the worker's creator_info re-check cannot
// foresee: the account changes between that check and the init request.
const stack = await buildStack(t, { worker: false })
let beforeInit: (() => void | Promise<void>) | undefined
await stack.replica(
  { WORKER_ENABLED: true },
  {
    async beforeInitRequest() {
      const run = beforeInit
      beforeInit = undefined
      await run?.()
    },
  },
)
const final = (p: Record<string, unknown>) => p.status === 'failed' || p.status === 'published'
const log = (endpoint: string) => stack.sandbox.requestLog().filter((e) => e.endpoint === endpoint)

t.beforeEach(() => {
  stack.sandbox.clearRequestLog()
  stack.sandbox.updateSettings({ dailyPostCap: 15 })
})

async function post(
  t: Test,
  connectionId: string,
  body: Record<string, unknown> = {},
  beforeCreate?: (mediaId: string) => Promise<unknown>,
) {
  const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id as string
  await beforeCreate?.(mediaId)
  const res = await createDirectPost(stack.app, connectionId, { mediaId }, body)
  t.equal(res.statusCode, 202)
  return res.json().id as string
}

/** A failed post is final and consistent: no publish, nothing scheduled, no lease, history ends failed. */
async function assertFailed(t: Test, id: string, reason: string, message: RegExp) {
  const p = await waitForPost(stack.app, id, final)
  t.equal(p.status, 'failed')
  t.equal(p.failReason, reason)
  t.match(p.failMessage, message)
  t.equal(p.publishId, null, 'TikTok created no publish')
  t.equal(p.waitingFor, null)
  const history = p.history as { to: string; reason: string | null; message: string }[]
  t.same(
    history.map((h) => h.to),
    ['queued', 'failed'],
  )
  t.equal(history.at(-1)?.reason, reason)
  t.equal(history.at(-1)?.message, p.failMessage)
  const row = await stack.app.publish.posts.getById(id)
  t.match(row, { phase: 'done', nextRunAt: null, leaseOwner: null })
  t.equal(log('video.init').length, 1, 'one init, refused')
  t.equal(log('upload').length, 0, 'no bytes sent')
}

t.test('403 privacy_level_option_mismatch: the account went private just before the init', async (t) => {
  const { connectionId, openId } = await stack.connect()
  beforeInit = () => {
    const user = stack.sandbox.listUsers().find((u) => u.openId === openId)
    if (user) user.private = true // the sandbox has no admin call for this account setting
  }
  const id = await post(t, connectionId, { privacyLevel: 'PUBLIC_TO_EVERYONE' })
  await assertFailed(t, id, 'privacy_level_option_mismatch', /privacy level is not available/)
})

t.test('403 spam_risk_too_many_posts: the daily cap was reached just before the init', async (t) => {
  const { connectionId } = await stack.connect()
  beforeInit = () => {
    stack.sandbox.updateSettings({ dailyPostCap: 0 })
  }
  const id = await post(t, connectionId)
  await assertFailed(t, id, 'spam_risk_too_many_posts', /daily posting limit/)
})

t.test('400 invalid_params: TikTok refuses the init (a stored size above 4 GiB)', async (t) => {
  const { connectionId } = await stack.connect()
  // Intake never stores such a size; forcing it is the only way to make TikTok's own check fail.
  const id = await post(t, connectionId, {}, (mediaId) =>
    stack.app.db
      .update(mediaTable)
      .set({ sizeBytes: 4 * 1024 ** 3 + 1 })
      .where(eq(mediaTable.id, mediaId)),
  )
  await assertFailed(t, id, 'invalid_params', /rejected the post as invalid/)
})
