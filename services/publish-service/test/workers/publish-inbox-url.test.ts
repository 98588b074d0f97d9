import t from 'tap'
import { buildStack, holdProcessing, postClip, pullClip, waitForPost } from '../helper.js'

const stack = await buildStack(t)

t.test('an inbox post ends sent_to_inbox, then published after the user posts the draft', async (t) => {
  holdProcessing(stack, t)
  // no privacyLevel: TikTok's inbox init takes none, the creator picks it in the app (§3.3)
  const { res } = await postClip(stack, { mode: 'inbox', title: 'draft', privacyLevel: undefined })
  t.equal(res.statusCode, 202, res.body)
  t.equal(res.json().privacyLevel, null)
  const inbox = await waitForPost(stack.app, res.json().id, (p) =>
    ['sent_to_inbox', 'failed'].includes(p.status as string),
  )
  t.equal(inbox.status, 'sent_to_inbox')
  t.equal(stack.sandbox.requestLog().filter((e) => e.endpoint === 'inbox.init').length, 1)
  stack.sandbox.postInboxDraft(inbox.publishId as string, { privacyLevel: 'PUBLIC_TO_EVERYONE' })
  const done = await waitForPost(
    stack.app,
    res.json().id,
    (p) => p.status === 'published' && (p.tiktokPostIds as string[]).length > 0,
  )
  t.equal(done.status, 'published')
  t.match(done.tiktokPostIds, [/^[0-9]{19}$/])
  const history = await stack.app.publish.posts.history(res.json().id)
  t.same(
    history.map((h) => h.toStatus),
    ['queued', 'uploading', 'processing', 'sent_to_inbox', 'published'],
    'each status once, in order',
  )
})

t.test('a PULL_FROM_URL post from a verified prefix ends published', async (t) => {
  stack.sandbox.clearRequestLog()
  const { res } = await pullClip(stack, t, { privacyLevel: 'PUBLIC_TO_EVERYONE' })
  t.equal(res.statusCode, 202)
  const post = await waitForPost(
    stack.app,
    res.json().id,
    (p) => p.status === 'failed' || (p.status === 'published' && (p.tiktokPostIds as string[]).length > 0),
  )
  t.equal(post.status, 'published', String(post.failReason))
  t.match(post.publishId, /^v_pub_url~/)
  t.equal(
    stack.sandbox.requestLog().filter((e) => e.endpoint === 'upload').length,
    0,
    'no bytes uploaded by us',
  )
})
