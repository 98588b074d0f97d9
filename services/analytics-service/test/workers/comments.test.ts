import { InstagramWebhookFilters } from '@social-bridge/contracts'
import t from 'tap'
import { commentEvent, publishInstagramPost, seedReel, trackInstagram } from '../comments-helper.js'
import { asUser, build, newTenant, waitUntil } from '../helper.js'

const IG_USER = () => `178414${Math.floor(Math.random() * 1e11)}`

// biome-ignore lint/suspicious/noExplicitAny: the listing's JSON
type Listing = { items: any[]; nextCursor: string | null }

t.test(
  'comment webhooks are stored once per comment and listed under the post, newest first, tenant-scoped',
  async (t) => {
    const ctx = await build(t)
    const tenant = newTenant()
    const igUserId = IG_USER()
    const connectionId = await trackInstagram(ctx, igUserId, tenant)
    const media = seedReel(ctx, igUserId)
    const bus = ctx.app.nats.bus
    const now = Math.floor(Date.now() / 1000)

    // a comment arrives before the post is known to analytics (Meta can be faster than our events)
    await bus.publish(
      InstagramWebhookFilters.comments,
      commentEvent({
        igUserId,
        commentId: '17900000000000001',
        mediaId: media.id,
        text: 'first',
        timeSec: now - 60,
      }),
    )
    const postId = await publishInstagramPost(ctx, { tenantId: tenant, connectionId, mediaId: media.id })
    await bus.publish(
      InstagramWebhookFilters.comments,
      commentEvent({
        igUserId,
        commentId: '17900000000000002',
        mediaId: media.id,
        text: 'second',
        timeSec: now,
      }),
    )
    // Meta's retry of the second one, as another event (another change id): the same comment id
    await bus.publish(
      InstagramWebhookFilters.comments,
      commentEvent({
        igUserId,
        commentId: '17900000000000002',
        mediaId: media.id,
        text: 'second',
        timeSec: now + 5,
      }),
    )

    const headers = await asUser(tenant)
    const list = async (query = '') => {
      const res = await ctx.app.inject({ url: `/posts/${postId}/comments${query}`, headers })
      return { status: res.statusCode, body: res.json() as Listing }
    }
    t.ok(
      await waitUntil(async () => (await list()).body.items?.length === 2),
      'both comments listed (the early one linked once the post was known)',
    )
    const { body } = await list()
    t.same(
      body.items.map((c) => [c.id, c.text, c.mediaId]),
      [
        ['17900000000000002', 'second', media.id],
        ['17900000000000001', 'first', media.id],
      ],
      'newest first, the retried comment once',
    )
    t.equal(
      body.items[0].createdAt,
      new Date(now * 1000).toISOString(),
      'the first webhook’s time stands for the comment time',
    )
    t.equal(body.items[0].likeCount, null)
    t.equal(body.nextCursor, null)

    const page1 = await list('?limit=1')
    t.equal(page1.body.items.length, 1)
    t.type(page1.body.nextCursor, 'string')
    const page2 = await list(`?limit=1&cursor=${page1.body.nextCursor}`)
    t.same(
      page2.body.items.map((c) => c.id),
      ['17900000000000001'],
    )
    t.equal(page2.body.nextCursor, null)
    t.equal((await list('?cursor=not-a-cursor')).status, 400)

    const other = await ctx.app.inject({
      url: `/posts/${postId}/comments`,
      headers: await asUser(newTenant()),
    })
    t.equal(other.statusCode, 404, "another tenant's post is not found")
    t.equal(other.json().error.code, 'NOT_FOUND')
    const sales = await ctx.app.inject({
      url: `/posts/${postId}/comments`,
      headers: await asUser(tenant, ['sales']),
    })
    t.equal(sales.statusCode, 403)
  },
)

t.test(
  'a comment of an account no tenant connected is not stored; the same account in two tenants gets it in both',
  async (t) => {
    const ctx = await build(t)
    const [a, b] = [newTenant(), newTenant()]
    const igUserId = IG_USER()
    const media = seedReel(ctx, igUserId)
    await ctx.app.nats.bus.publish(
      InstagramWebhookFilters.comments,
      commentEvent({ igUserId, commentId: '17900000000000011', mediaId: media.id }),
    )
    const count = async () =>
      Number(
        (await ctx.app.pg`select count(*)::int as n from analytics.comments where media_id = ${media.id}`)[0]
          ?.n,
      )
    const processed = async () =>
      Number(
        (
          await ctx.app
            .pg`select count(*)::int as n from analytics.processed_events where subject = ${InstagramWebhookFilters.comments}`
        )[0]?.n,
      )
    t.ok(await waitUntil(async () => (await processed()) === 1), 'the event was consumed')
    t.equal(await count(), 0, 'not stored: nobody connected the account')

    const connA = await trackInstagram(ctx, igUserId, a)
    const connB = await trackInstagram(ctx, igUserId, b)
    const postA = await publishInstagramPost(ctx, { tenantId: a, connectionId: connA, mediaId: media.id })
    await ctx.app.nats.bus.publish(
      InstagramWebhookFilters.comments,
      commentEvent({ igUserId, commentId: '17900000000000012', mediaId: media.id }),
    )
    t.ok(await waitUntil(async () => (await count()) === 2), 'stored under each connection of the account')
    const listA = await ctx.app.inject({ url: `/posts/${postA}/comments`, headers: await asUser(a) })
    t.same(
      listA.json().items.map((c: { id: string }) => c.id),
      ['17900000000000012'],
    )
    const listB = await ctx.app.inject({ url: `/posts/${postA}/comments`, headers: await asUser(b) })
    t.equal(listB.statusCode, 404, 'tenant b does not see tenant a’s post')
    t.ok(connB)
  },
)
