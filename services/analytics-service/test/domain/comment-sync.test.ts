import { addIgComment } from '@social-bridge/tiktok-sandbox'
import t from 'tap'
import { connectInstagram, publishInstagramPost, seedReel } from '../comments-helper.js'
import { asUser, build, newTenant, waitUntil } from '../helper.js'

// biome-ignore lint/suspicious/noExplicitAny: the listing's JSON
type Listing = { items: any[]; nextCursor: string | null }

t.test(
  'the comment sync fills in comments made before the post was known, page by page, with Instagram’s times and likes',
  async (t) => {
    const ctx = await build(t, { overrides: { COMMENT_SYNC_PAGE_SIZE: 2, COMMENT_SYNC_MAX_PAGES: 2 } })
    const tenant = newTenant()
    const account = ctx.sandbox.instagram.addAccount()
    const connectionId = await connectInstagram(ctx, account.igUserId, tenant)
    const media = seedReel(ctx, account.igUserId)
    const made = Array.from({ length: 7 }, (_, i) =>
      addIgComment(ctx.sandbox.instagram, {
        mediaId: media.id,
        text: `before ${i}`,
        likeCount: i,
        timestamp: ctx.sandbox.now() - (10 - i) * 60_000,
        notify: false,
      }),
    )
    const postId = await publishInstagramPost(ctx, { tenantId: tenant, connectionId, mediaId: media.id })
    const due = async () =>
      (
        await ctx.app
          .pg`select 1 from analytics.comment_media where post_id = ${postId} and sync_due_at is not null`
      ).length === 1
    t.ok(await waitUntil(due), 'the post event made the media’s comment sync due')

    const headers = await asUser(tenant)
    const listed = async () =>
      (await ctx.app.inject({ url: `/posts/${postId}/comments?limit=100`, headers })).json() as Listing
    let rounds = 0
    while ((await listed()).items.length < 7 && rounds < 10) {
      await ctx.app.analytics.commentSync.runDue()
      rounds++
    }
    t.equal(rounds, 2, '2 pages of 2 per round: the second round resumed from the saved cursor')
    const { items } = await listed()
    t.same(
      items.map((c) => c.id),
      made.map((c) => c.id).reverse(),
      'every earlier comment, newest first',
    )
    t.equal(items[0].likeCount, 6)
    t.equal(
      items[0].createdAt,
      new Date(Math.floor(made[6]!.timestamp / 1000) * 1000).toISOString(),
      'Instagram’s own time',
    )
    t.notOk(await due(), 'done: not due until the next trigger')
    const calls = ctx.sandbox.requestLog().filter((e) => e.endpoint === 'ig.comments')
    t.equal(calls.length, 4, 'one call per page, no more')
    t.notOk(
      JSON.stringify(await ctx.app.pg`select * from analytics.comment_media`).includes('IGAA'),
      'no access token stored',
    )
  },
)

t.test('Instagram’s rate limit puts the comment sync off until later; it then completes', async (t) => {
  const ctx = await build(t)
  const tenant = newTenant()
  const account = ctx.sandbox.instagram.addAccount()
  const connectionId = await connectInstagram(ctx, account.igUserId, tenant)
  const media = seedReel(ctx, account.igUserId)
  addIgComment(ctx.sandbox.instagram, { mediaId: media.id, text: 'early', notify: false })
  const postId = await publishInstagramPost(ctx, { tenantId: tenant, connectionId, mediaId: media.id })
  const row = async () =>
    (
      await ctx.app.pg<{ due: Date | null; error: string | null }[]>`
      select sync_due_at as due, last_error as error from analytics.comment_media where post_id = ${postId}`
    )[0]
  t.ok(await waitUntil(async () => (await row())?.due != null))

  ctx.sandbox.instagram.settings.accountCallsPerHour = 0 // every call: code 80002
  await ctx.app.analytics.commentSync.runDue()
  const after = await row()
  t.equal(after?.error, 'rate_limited')
  t.ok(after?.due && after.due.getTime() > Date.now() - 5000, 'due again later, not dropped')

  ctx.sandbox.instagram.settings.accountCallsPerHour = 200
  const headers = await asUser(tenant)
  t.ok(
    await waitUntil(async () => {
      await ctx.app.analytics.commentSync.runDue()
      const res = await ctx.app.inject({ url: `/posts/${postId}/comments`, headers })
      return (res.json() as Listing).items.length === 1
    }),
    'synced after the back-off (1 s in tests)',
  )
})
