import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'
import type { ErrorResponse, Post } from '@social-bridge/contracts'
import t from 'tap'
import { DEV_TIKTOK, MEDIA_DIR } from '../scripts/stack/dev-config.js'
import { call, pollUntil } from '../scripts/stack/http.js'
import { connectAccount } from '../scripts/stack/journey.js'
import { startStack } from './stack.js'

const CLIP_40 = resolve(MEDIA_DIR, 'clip-40s-vertical.mp4')
const CLIP_15 = resolve(MEDIA_DIR, 'clip-15s-vertical.mp4')
const creator = DEV_TIKTOK.users[0]?.openId ?? ''

const stack = await startStack(t)
const admin = await stack.jwt()
const connected = await connectAccount({
  gateway: stack.gateway,
  sandbox: stack.sandbox,
  token: admin,
  openId: creator,
})
const connectionId = connected.connectionId ?? ''

const uploadMedia = async (path: string) =>
  call('POST', `${stack.gateway}/media`, { token: admin, file: { path, type: 'video/mp4' } })
const createPost = (json: Record<string, unknown>) =>
  call<Post>('POST', `${stack.gateway}/posts`, {
    token: admin,
    headers: { 'idempotency-key': randomUUID() },
    json: { connectionId, privacyLevel: 'PUBLIC_TO_EVERYONE', ...json },
  })
const followPost = (id: string, done: (p: Post) => boolean) =>
  pollUntil(
    async () => (await call<Post>('GET', `${stack.gateway}/posts/${id}`, { token: admin })).body,
    (p) => done(p) || p.status === 'failed',
  )

t.test('the demo journey: connect, upload, direct post to published, webhooks, analytics', async (t) => {
  t.equal(connected.outcome, 'connected')
  const list = await call('GET', `${stack.gateway}/connections`, { token: admin })
  t.equal(list.status, 200)
  t.equal(list.body.items.length, 1)
  t.notMatch(JSON.stringify(list.body), /act\.|rft\./, 'no token is ever returned')

  const media = await uploadMedia(CLIP_40)
  t.equal(media.status, 201)
  t.ok(media.body.durationSec > 39 && media.body.durationSec < 41, 'duration read from the container')

  const post = await createPost({ mode: 'direct', source: { mediaId: media.body.id }, title: 'e2e #direct' })
  t.equal(post.status, 202)
  const done = await followPost(post.body.id, (p) => p.status === 'published' && p.tiktokPostIds.length > 0)
  t.equal(done.status, 'published', `ended ${done.status} ${done.failReason ?? ''}`)
  t.match(done.tiktokPostIds[0] ?? '', /^\d{19}$/, 'a 19-digit post id, intact')

  const deliveries = await pollUntil(
    async () =>
      (await call('GET', `${stack.sandbox}/_sandbox/webhooks`)).body as {
        event: string
        content: { publish_id?: string }
        attempts: { status?: number }[]
      }[],
    (ds) =>
      ds.some(
        (d) =>
          d.content.publish_id === done.publishId &&
          d.event === 'post.publish.publicly_available' &&
          d.attempts.at(-1)?.status === 200,
      ),
  )
  const mine = deliveries.filter((d) => d.content.publish_id === done.publishId)
  t.ok(mine.length >= 2, 'TikTok sent webhooks for the post')
  t.ok(
    mine.every((d) => d.attempts.at(-1)?.status === 200),
    'webhook-ingest answered 200 to each',
  )

  const sync = await call('POST', `${stack.gateway}/analytics/connections/${connectionId}/sync`, {
    token: admin,
  })
  t.ok([202, 429].includes(sync.status), `sync accepted (${sync.status})`)
  const analytics = await pollUntil(
    async () =>
      (await call('GET', `${stack.gateway}/analytics/posts/${post.body.id}`, { token: admin })).body,
    (a) => a?.latest != null,
  )
  t.ok(analytics.latest, 'the post has metrics')
  t.type(analytics.latest?.views, 'number')
  const account = await call('GET', `${stack.gateway}/analytics/connections/${connectionId}`, {
    token: admin,
  })
  t.equal(account.status, 200)
  t.ok(account.body.latest, 'the account has stats')
})

t.test('inbox mode ends sent_to_inbox, then published after the creator posts the draft', async (t) => {
  const media = await uploadMedia(CLIP_15)
  const post = await createPost({ mode: 'inbox', source: { mediaId: media.body.id } })
  t.equal(post.status, 202)
  const inbox = await followPost(post.body.id, (p) => p.status === 'sent_to_inbox')
  t.equal(inbox.status, 'sent_to_inbox')
  const posted = await call(
    'POST',
    `${stack.sandbox}/_sandbox/publishes/${encodeURIComponent(inbox.publishId ?? '')}/post-draft`,
    { json: {} },
  )
  t.equal(posted.status, 200)
  const done = await followPost(post.body.id, (p) => p.status === 'published')
  t.equal(done.status, 'published')
})

t.test(
  'PULL_FROM_URL from a verified prefix is published; another domain is refused before TikTok',
  async (t) => {
    const post = await createPost({
      mode: 'direct',
      source: { url: `${DEV_TIKTOK.verifiedPrefix}clip-15s-vertical.mp4` },
    })
    t.equal(post.status, 202)
    const done = await followPost(post.body.id, (p) => p.status === 'published')
    t.equal(done.status, 'published', `ended ${done.status} ${done.failReason ?? ''}`)

    const before = (await call('GET', `${stack.sandbox}/_sandbox/requests`)).body as { endpoint?: string }[]
    const refused = await createPost({
      mode: 'direct',
      source: { url: 'https://elsewhere.example.com/v.mp4' },
    })
    t.equal(refused.status, 422)
    t.equal((refused.body as unknown as ErrorResponse).error.code, 'URL_NOT_VERIFIED')
    const after = (await call('GET', `${stack.sandbox}/_sandbox/requests`)).body as { endpoint?: string }[]
    const inits = (log: { endpoint?: string }[]) => log.filter((r) => r.endpoint === 'video.init').length
    t.equal(inits(after), inits(before), 'TikTok was not called')
  },
)

t.test('roles: sales gets 403 everywhere, social_marketing cannot disconnect', async (t) => {
  const sales = await stack.jwt({ roles: ['sales'] })
  for (const [method, path] of [
    ['GET', '/connections'],
    ['GET', `/connections/${connectionId}`],
    ['GET', '/posts'],
    ['POST', `/analytics/connections/${connectionId}/sync`],
    ['DELETE', `/connections/${connectionId}`],
  ] as const) {
    t.equal(
      (await call(method, `${stack.gateway}${path}`, { token: sales })).status,
      403,
      `${method} ${path}`,
    )
  }
  const marketing = await stack.jwt({ roles: ['social_marketing'] })
  t.equal(
    (await call('DELETE', `${stack.gateway}/connections/${connectionId}`, { token: marketing })).status,
    403,
  )
  t.equal(
    (await call('GET', `${stack.gateway}/connections/${connectionId}`, { token: marketing })).status,
    200,
  )
})

t.test("another tenant's ids answer 404", async (t) => {
  const other = await stack.jwt({ tenant: 'other-tenant', sub: 'intruder' })
  const posts = (await call('GET', `${stack.gateway}/posts`, { token: admin })).body.items as Post[]
  t.ok(posts.length > 0)
  t.equal((await call('GET', `${stack.gateway}/connections/${connectionId}`, { token: other })).status, 404)
  t.equal((await call('GET', `${stack.gateway}/posts/${posts[0]?.id}`, { token: other })).status, 404)
  t.equal(
    (await call('GET', `${stack.gateway}/analytics/connections/${connectionId}`, { token: other })).status,
    404,
  )
  t.same((await call('GET', `${stack.gateway}/posts`, { token: other })).body.items, [])
})

t.test('forged JWTs get 401', async (t) => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const none = `${b64({ alg: 'none' })}.${b64({ sub: 'x', tenant_id: 'demo-tenant', roles: ['admin'] })}.`
  const [, payload] = admin.split('.')
  const tampered = `${admin.split('.')[0]}.${payload}x.${admin.split('.')[2]}`
  for (const token of [none, tampered, 'garbage']) {
    t.equal((await call('GET', `${stack.gateway}/connections`, { token })).status, 401)
  }
})

t.test('a service port called directly cannot read a tenant’s data', async (t) => {
  for (const port of [stack.ports.auth, stack.ports.publish, stack.ports.analytics]) {
    const res = await call('GET', `http://127.0.0.1:${port}/connections`, { token: admin })
    t.equal(res.status, 401, `port ${port}`)
  }
})

t.test(
  'disconnect revokes at TikTok; reconnecting the same account restores it without a duplicate',
  async (t) => {
    const del = await call('DELETE', `${stack.gateway}/connections/${connectionId}`, { token: admin })
    t.ok([200, 204].includes(del.status), `disconnect answered ${del.status}`)
    const after = await call('GET', `${stack.gateway}/connections/${connectionId}`, { token: admin })
    t.equal(after.body.status, 'disconnected')
    const again = await connectAccount({
      gateway: stack.gateway,
      sandbox: stack.sandbox,
      token: admin,
      openId: creator,
    })
    t.equal(again.outcome, 'connected')
    t.equal(again.connectionId, connectionId, 'the same connection row')
    const list = await call('GET', `${stack.gateway}/connections`, { token: admin })
    t.equal(list.body.items.length, 1)
    t.equal(list.body.items[0].status, 'active')
  },
)
