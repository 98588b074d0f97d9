import t from 'tap'
import { asUser, buildStack, createDirectPost, media, uploadMedia, waitForPost } from '../helper.js'

// The worker starts once the connections broke: each post passed its checks while its account was fine.
const stack = await buildStack(t, { worker: false })
const final = (p: Record<string, unknown>) => p.status === 'failed' || p.status === 'published'
const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id as string

/** Connects a new account and queues a post of the sample clip on it. */
async function queuedPost() {
  const account = await stack.connect()
  const res = await createDirectPost(stack.app, account.connectionId, { mediaId })
  if (res.statusCode !== 202) throw new Error(`post answered ${res.statusCode}: ${res.body}`)
  return { ...account, postId: res.json().id as string }
}

t.test('a queued post fails with the reason auth-service gives for its connection', async (t) => {
  const disconnected = await queuedPost()
  const deadGrant = await queuedPost()
  const del = await stack.auth.inject({
    method: 'DELETE',
    url: `/connections/${disconnected.connectionId}`,
    headers: await asUser({ tenantId: 'tenant-a', userId: 'u-1', roles: ['admin'] }),
  })
  t.equal(del.statusCode, 200)
  stack.sandbox.expireTokens(deadGrant.openId, { access: true, refresh: true })
  stack.sandbox.clearRequestLog()

  await stack.replica({ WORKER_ENABLED: true })

  t.match(await waitForPost(stack.app, disconnected.postId, final), {
    status: 'failed',
    failReason: 'connection_not_active',
  })
  t.match(await waitForPost(stack.app, deadGrant.postId, final), {
    status: 'failed',
    failReason: 'reauth_required',
  })
  const inits = stack.sandbox.requestLog().filter((e) => e.endpoint === 'video.init')
  t.equal(inits.length, 0, 'TikTok was never asked to post')
})
