import { call, connectThroughGateway, DEV_TIKTOK, pollUntil } from '@social-bridge/stack'
import t from 'tap'
import { directPortChecks } from './checks/direct-ports.js'
import { forgedJwtChecks } from './checks/forged-jwt.js'
import { roleChecks } from './checks/roles.js'
import { tenancyChecks } from './checks/tenancy.js'
import { tiktokShopConnects } from './checks/tiktok-shop.js'
import { CLIP_15, CLIP_40, startJourney } from './journey-context.js'
import { delivered, lastSeq, sandboxRequestsSince, sandboxWebhooks } from './sandbox-admin.js'

// One stack for the whole file (starting it is the slow part); each test makes what it needs
// (journey-context.ts `publishedPost`), so any one of them can run alone with --grep.
const j = await startJourney(t)
const { stack, admin, connectionId } = j

t.test('the demo journey: connect, upload, direct post to published, webhooks, analytics', async (t) => {
  const list = await call('GET', `${stack.gateway}/connections`, { token: admin })
  t.equal(list.status, 200)
  t.ok(
    list.body.items.some((c: { id: string }) => c.id === connectionId),
    'the account is connected',
  )
  t.notMatch(JSON.stringify(list.body), /act\.|rft\./, 'no token is ever returned')

  const media = await j.uploadMedia(CLIP_40)
  t.equal(media.status, 201)
  const durationSec = media.body.durationSec ?? 0
  t.ok(durationSec > 39 && durationSec < 41, 'duration read from the container')

  const post = await j.createPost({
    mode: 'direct',
    source: { mediaId: media.body.id },
    title: 'e2e #direct',
  })
  t.equal(post.status, 202)
  const done = await j.followPost(post.body.id, (p) => p.status === 'published' && p.tiktokPostIds.length > 0)
  t.equal(done.status, 'published', `ended ${done.status} ${done.failReason ?? ''}`)
  t.match(done.tiktokPostIds[0] ?? '', /^\d{19}$/, 'a 19-digit post id, intact')
  j.rememberPublished(done)

  const deliveries = await pollUntil(
    () => sandboxWebhooks(stack.sandbox),
    (ds) =>
      ds.some(
        (d) =>
          d.content.publish_id === done.publishId &&
          d.event === 'post.publish.publicly_available' &&
          delivered(d),
      ),
  )
  const mine = deliveries.filter((d) => d.content.publish_id === done.publishId)
  t.ok(mine.length >= 2, 'TikTok sent webhooks for the post')
  t.ok(mine.every(delivered), 'webhook-ingest answered 200 to each')

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
  const media = await j.uploadMedia(CLIP_15)
  const post = await j.createPost({ mode: 'inbox', source: { mediaId: media.body.id } })
  t.equal(post.status, 202)
  const inbox = await j.followPost(post.body.id, (p) => p.status === 'sent_to_inbox')
  t.equal(inbox.status, 'sent_to_inbox')
  const posted = await call(
    'POST',
    `${stack.sandbox}/_sandbox/publishes/${encodeURIComponent(inbox.publishId ?? '')}/post-draft`,
    { json: {} },
  )
  t.equal(posted.status, 200)
  const done = await j.followPost(post.body.id, (p) => p.status === 'published')
  t.equal(done.status, 'published')
})

t.test(
  'PULL_FROM_URL from a verified prefix is published; another domain is refused before TikTok',
  async (t) => {
    const post = await j.createPost({
      mode: 'direct',
      source: { url: `${DEV_TIKTOK.verifiedPrefix}clip-15s-vertical.mp4` },
    })
    t.equal(post.status, 202)
    const done = await j.followPost(post.body.id, (p) => p.status === 'published')
    t.equal(done.status, 'published', `ended ${done.status} ${done.failReason ?? ''}`)

    const seq = await lastSeq(stack.sandbox)
    const refused = await j.createPost({
      mode: 'direct',
      source: { url: 'https://elsewhere.example.com/v.mp4' },
    })
    t.equal(refused.status, 422)
    t.equal(
      refused.body && (refused.body as unknown as { error: { code: string } }).error.code,
      'URL_NOT_VERIFIED',
    )
    const inits = (await sandboxRequestsSince(stack.sandbox, seq)).filter((r) => r.endpoint === 'video.init')
    t.same(inits, [], 'TikTok was not called')
  },
)

roleChecks(t, j)
tenancyChecks(t, j)
forgedJwtChecks(t, j)
directPortChecks(t, j)

t.test(
  'disconnect revokes at TikTok; reconnecting the same account restores it without a duplicate',
  async (t) => {
    const seq = await lastSeq(stack.sandbox)
    const webhooksBefore = (await sandboxWebhooks(stack.sandbox)).length
    const del = await call('DELETE', `${stack.gateway}/connections/${connectionId}`, { token: admin })
    t.equal(del.status, 200)
    const after = await call('GET', `${stack.gateway}/connections/${connectionId}`, { token: admin })
    t.equal(after.body.status, 'disconnected')

    const revokes = (await sandboxRequestsSince(stack.sandbox, seq)).filter(
      (r) => r.endpoint === 'oauth.revoke',
    )
    t.equal(revokes.length, 1, 'TikTok was asked to revoke once')
    t.equal(revokes[0]?.status, 200)
    t.equal(revokes[0]?.openId, j.creator, "the creator's grant was revoked at TikTok")
    const removed = await pollUntil(
      async () => (await sandboxWebhooks(stack.sandbox)).slice(webhooksBefore),
      (ds) => ds.some((d) => d.event === 'authorization.removed' && delivered(d)),
    )
    t.ok(
      removed.some((d) => d.event === 'authorization.removed' && d.userOpenId === j.creator),
      'TikTok then sent authorization.removed for the creator, and webhook-ingest took it',
    )

    const again = await connectThroughGateway({
      gateway: stack.gateway,
      sandbox: stack.sandbox,
      token: admin,
      openId: j.creator,
    })
    t.equal(again.outcome, 'connected')
    t.equal(again.connectionId, connectionId, 'the same connection row')
    const list = await call('GET', `${stack.gateway}/connections`, { token: admin })
    t.equal(list.body.items.length, 1)
    t.equal(list.body.items[0].status, 'active')
    const info = await call('GET', `${stack.gateway}/connections/${connectionId}/creator-info`, {
      token: admin,
    })
    t.equal(info.status, 200, 'the restored account works with its new token')
  },
)

t.test('a TikTok Shop seller connects through the gateway and the sandbox consent page', async (t) =>
  // its own tenant, so the demo tenant's connection list stays as the other journeys expect
  tiktokShopConnects(t, stack, await stack.jwt({ tenant: 'e2e-shop-tenant' })),
)
