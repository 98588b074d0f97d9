import t from 'tap'
import { asUser, buildStack, createPost, media, uploadMedia, waitForPost, waitUntil } from '../helper.js'

const done = (p: Record<string, unknown>) => p.status === 'failed' || p.status === 'published'

t.test('a create retried with the same Idempotency-Key returns the same post and inits once', async (t) => {
  const stack = await buildStack(t)
  const { connectionId } = await stack.connect()
  const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id
  const body = { connectionId, mode: 'direct', source: { mediaId }, privacyLevel: 'SELF_ONLY' }
  const key = { 'idempotency-key': 'crm-request-42' }
  const [a, b] = await Promise.all([createPost(stack.app, body, key), createPost(stack.app, body, key)])
  const c = await createPost(stack.app, body, key)
  t.equal(a.statusCode, 202)
  t.equal(b.json().id, a.json().id, 'a concurrent retry gets the same post')
  t.equal(c.json().id, a.json().id, 'a later retry gets the same post')
  const post = await waitForPost(stack.app, a.json().id, done)
  t.equal(post.status, 'published')
  const again = await createPost(stack.app, body, key)
  t.equal(again.json().id, a.json().id)
  t.equal(again.json().status, 'published', 'the retry shows where the post stands')
  t.equal(
    stack.sandbox.requestLog().filter((e) => e.endpoint === 'video.init').length,
    1,
    'one init at TikTok',
  )
  const reused = await createPost(stack.app, { ...body, title: 'another' }, key)
  t.equal(reused.statusCode, 422)
  t.equal(reused.json().error.code, 'IDEMPOTENCY_KEY_REUSED')
})

t.test('two workers racing for the same jobs init each post exactly once', async (t) => {
  const stack = await buildStack(t, { worker: false })
  const { connectionId } = await stack.connect()
  const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id
  const ids: string[] = []
  for (let i = 0; i < 4; i++) {
    const res = await createPost(stack.app, {
      connectionId,
      mode: 'direct',
      source: { mediaId },
      privacyLevel: 'SELF_ONLY',
    })
    ids.push(res.json().id)
  }
  await Promise.all([stack.replica({ WORKER_ENABLED: true }), stack.replica({ WORKER_ENABLED: true })])
  for (const id of ids) {
    const post = await waitForPost(stack.app, id, (p) =>
      ['processing', 'published', 'failed'].includes(p.status as string),
    )
    t.not(post.status, 'failed')
  }
  const inits = stack.sandbox.requestLog().filter((e) => e.endpoint === 'video.init')
  t.equal(inits.length, 4, 'four posts, four inits')
  t.equal(stack.sandbox.listPublishes().length, 4)
})

t.test('the 6 inits per minute hold across two workers; the rest wait without calling TikTok', async (t) => {
  const stack = await buildStack(t, { worker: false })
  const { connectionId } = await stack.connect()
  const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id
  const ids: string[] = []
  for (let i = 0; i < 8; i++) {
    const res = await createPost(stack.app, {
      connectionId,
      mode: 'direct',
      source: { mediaId },
      privacyLevel: 'SELF_ONLY',
    })
    ids.push(res.json().id)
  }
  await Promise.all([stack.replica({ WORKER_ENABLED: true }), stack.replica({ WORKER_ENABLED: true })])
  const inits = () => stack.sandbox.requestLog().filter((e) => e.endpoint === 'video.init')
  t.ok(await waitUntil(() => inits().length >= 6), 'six inits happen')
  const waiting = async () => {
    const rows = await Promise.all(ids.map((id) => stack.app.publish.posts.getById(id)))
    return rows.filter(
      (r) => r?.status === 'queued' && r.nextRunAt && r.nextRunAt.getTime() > Date.now() + 30_000,
    )
  }
  t.ok(await waitUntil(async () => (await waiting()).length === 2), 'two posts wait for the next minute')
  await new Promise((r) => setTimeout(r, 300))
  t.equal(inits().length, 6, 'no seventh init')
  t.equal(inits().filter((e) => e.status === 429).length, 0, 'TikTok never had to refuse one')
  const quota = await stack.app.inject({
    method: 'GET',
    url: `/connections/${connectionId}/quota`,
    headers: await asUser(),
  })
  t.match(quota.json(), { initsLastMinute: 6, initsPerMinuteLimit: 6 })
})

t.test('the 6th inbox draft in 24 h is refused with a retry time, without calling TikTok', async (t) => {
  const stack = await buildStack(t, { worker: false })
  const { connectionId } = await stack.connect()
  const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id
  const body = { connectionId, mode: 'inbox', source: { mediaId }, privacyLevel: 'SELF_ONLY' }
  for (let i = 0; i < 5; i++) t.equal((await createPost(stack.app, body)).statusCode, 202)
  const before = stack.sandbox.requestLog().length
  const sixth = await createPost(stack.app, body)
  t.equal(sixth.statusCode, 429)
  t.equal(sixth.json().error.code, 'POSTING_LIMIT_REACHED')
  const retryAfterSec = sixth.json().error.details.retryAfterSec as number
  t.ok(retryAfterSec > 86_000 && retryAfterSec <= 86_400, `retry in about 24 h (${retryAfterSec} s)`)
  t.equal(sixth.headers['retry-after'], String(retryAfterSec))
  t.equal(stack.sandbox.requestLog().length, before, 'TikTok was not called for the 6th')
  const quota = await stack.app.inject({
    method: 'GET',
    url: `/connections/${connectionId}/quota`,
    headers: await asUser(),
  })
  t.match(quota.json(), { inboxDraftsLast24h: 5, inboxDraftsLimit: 5 })
})
