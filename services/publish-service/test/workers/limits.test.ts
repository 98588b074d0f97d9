import { and, eq } from 'drizzle-orm'
import t from 'tap'
import { quotaEvents } from '../../src/db/schema.js'
import {
  asUser,
  buildStack,
  createDirectPost,
  createPost,
  directPost,
  getPost,
  media,
  postClip,
  type Stack,
  uploadMedia,
  waitForPost,
  waitUntil,
} from '../helper.js'

const done = (p: Record<string, unknown>) => p.status === 'failed' || p.status === 'published'

t.test('a create retried with the same Idempotency-Key returns the same post and inits once', async (t) => {
  const stack = await buildStack(t)
  const { connectionId } = await stack.connect()
  const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id
  const body = directPost(connectionId, { mediaId })
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

/** Connects a creator, uploads clip-15s once and creates `count` direct posts of it. */
async function queueClipPosts(stack: Stack, count: number): Promise<{ connectionId: string; ids: string[] }> {
  const { connectionId } = await stack.connect()
  const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const res = await createDirectPost(stack.app, connectionId, { mediaId })
    ids.push(res.json().id)
  }
  return { connectionId, ids }
}

t.test('two workers racing for the same jobs init each post exactly once', async (t) => {
  const stack = await buildStack(t, { worker: false })
  const { ids } = await queueClipPosts(stack, 4)
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
  const { connectionId, ids } = await queueClipPosts(stack, 8)
  await Promise.all([stack.replica({ WORKER_ENABLED: true }), stack.replica({ WORKER_ENABLED: true })])
  const inits = () => stack.sandbox.requestLog().filter((e) => e.endpoint === 'video.init')
  t.ok(await waitUntil(() => inits().length >= 6), 'six inits happen')
  const waiting = async () => {
    const rows = await Promise.all(ids.map((id) => stack.app.publish.posts.getById(id)))
    return rows.filter(
      (r): r is NonNullable<typeof r> =>
        r !== null &&
        r.status === 'queued' &&
        r.nextRunAt !== null &&
        r.nextRunAt.getTime() > Date.now() + 30_000,
    )
  }
  t.ok(await waitUntil(async () => (await waiting()).length === 2), 'two posts wait for the next minute')
  for (const row of await waiting()) {
    const dto = await getPost(stack.app, row.id)
    t.equal(dto.status, 'queued')
    t.equal(dto.waitingFor?.reason, 'init_rate_limit', 'the CRM sees why it waits')
    t.match(dto.waitingFor?.message, /6 new uploads per minute/)
    t.equal(dto.waitingFor?.retryAt, row.nextRunAt?.toISOString(), 'and when it goes on')
    const wait = Date.parse(dto.waitingFor.retryAt) - Date.parse(dto.updatedAt)
    t.ok(wait > 0 && wait <= 60_000, 'within the one-minute window')
  }
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
  const body = directPost(connectionId, { mediaId }, { mode: 'inbox' })
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

t.test(
  'creator_info is counted per account across replicas: the 21st call in a minute is refused with 429',
  async (t) => {
    const stack = await buildStack(t, { worker: false })
    const other = await stack.replica()
    const { connectionId } = await stack.connect()
    const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id
    const headers = await asUser()
    const creatorInfoCalls = () =>
      stack.sandbox.requestLog().filter((e) => e.endpoint === 'creator_info').length
    for (let i = 0; i < 20; i++) {
      const app = i % 2 === 0 ? stack.app : other
      const res = await app.inject({
        method: 'GET',
        url: `/connections/${connectionId}/creator-info`,
        headers,
      })
      t.equal(res.statusCode, 200)
    }
    t.equal(creatorInfoCalls(), 20)
    const refused = await createDirectPost(stack.app, connectionId, { mediaId })
    t.equal(refused.statusCode, 429)
    t.equal(refused.json().error.code, 'POSTING_LIMIT_REACHED')
    t.match(refused.json().error.details, { limit: 'creator_info_per_minute', max: 20 })
    const retryAfterSec = refused.json().error.details.retryAfterSec as number
    t.ok(retryAfterSec >= 1 && retryAfterSec <= 60, `retry within the minute (${retryAfterSec} s)`)
    t.equal(refused.headers['retry-after'], String(retryAfterSec))
    t.match(refused.json(), { requestId: String }, 'the shared error shape')
    t.equal(creatorInfoCalls(), 20, 'TikTok was not called')
    const list = await stack.app.inject({ method: 'GET', url: '/posts', headers })
    t.same(list.json().items, [], 'no post was stored')
  },
)

t.test(
  'a post counts one creator_info at create and one at init, and the quota shows each call',
  async (t) => {
    const stack = await buildStack(t)
    stack.sandbox.updateConfig({ webhookUrl: '' }) // the worker polls status/fetch to learn the outcome
    const { connectionId, res } = await postClip(stack)
    const post = await waitForPost(stack.app, res.json().id, done)
    t.equal(post.status, 'published')
    const counted = await stack.app.db
      .select()
      .from(quotaEvents)
      .where(and(eq(quotaEvents.connectionId, connectionId), eq(quotaEvents.kind, 'creator_info')))
    t.equal(counted.length, 2)
    const calls = (endpoint: string) =>
      stack.sandbox.requestLog().filter((e) => e.endpoint === endpoint).length
    t.ok(calls('status.fetch') >= 1, 'the outcome came from status/fetch')
    t.equal(calls('creator_info'), 2)
    const quota = await stack.app.inject({
      method: 'GET',
      url: `/connections/${connectionId}/quota`,
      headers: await asUser(),
    })
    t.equal(quota.statusCode, 200)
    t.same(
      quota.json(),
      {
        initsLastMinute: 1,
        initsPerMinuteLimit: 6,
        inboxDraftsLast24h: 0,
        inboxDraftsLimit: 5,
        creatorInfoLastMinute: 2,
        creatorInfoPerMinuteLimit: 20,
        statusFetchesLastMinute: calls('status.fetch'),
        statusFetchesPerMinuteLimit: 30,
      },
      'every call TikTok saw is in its window',
    )
  },
)
