import { readEvents } from '@social-bridge/service-kit/testing'
import { eq } from 'drizzle-orm'
import t from 'tap'
import { posts } from '../../src/db/schema.js'
import { buildStack, createPost, media, uploadMedia, waitForPost, waitUntil } from '../helper.js'
import { connectInstagram, reelPost, serveReels } from '../instagram.js'

type Post = Record<string, unknown> & {
  history?: { from: string; to: string; reason: string | null; message: string }[]
}

/** Where a test makes the worker stop: before `media_publish` is sent, or after it answered (before it is recorded). */
let crashAt: { point: 'before' | 'after'; done: boolean } | undefined
const stack = await buildStack(t, {
  hooks: {
    beforeMediaPublish: (postId) => crash('before', postId),
    afterMediaPublishResponse: (postId) => crash('after', postId),
  },
})
/** The worker "dies" here: its lease goes to a replica that then dies too, and nothing more is written. */
async function crash(point: 'before' | 'after', postId: string) {
  if (!crashAt || crashAt.point !== point || crashAt.done) return
  crashAt.done = true
  await stack.app.db
    .update(posts)
    .set({ leaseOwner: 'crashed-replica', leaseUntil: new Date(Date.now() + 300) })
    .where(eq(posts.id, postId))
  throw new Error('worker crashed')
}
await serveReels(t, stack)
const ig = stack.sandbox.instagram
const final = (p: Record<string, unknown>) => p.status === 'failed' || p.status === 'published'
const log = (endpoint: string) => stack.sandbox.requestLog().filter((e) => e.endpoint === endpoint)
const publishesOf = (igUserId: string) => [...ig.store.media.values()].filter((m) => m.igUserId === igUserId)
const clip = async () => (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id as string

t.beforeEach(() => {
  stack.sandbox.clearRequestLog()
  stack.sandbox.clearFaults()
  ig.settings.publishingQuotaTotal = 100
  ig.settings.publishingQuotaDurationSec = 86_400
})

t.test(
  'a Reel is created, polled and published: post, history and events say instagram and the media id',
  async (t) => {
    const { connectionId, igUserId } = await connectInstagram(stack)
    const body = reelPost(connectionId, await clip(), { shareToFeed: true, thumbOffsetMs: 1500 })
    const res = await createPost(stack.app, body)
    t.equal(res.statusCode, 202, res.body)
    t.match(res.json(), { provider: 'instagram', mode: 'reel', status: 'queued' })
    const post = (await waitForPost(stack.app, res.json().id, final)) as Post
    t.equal(post.status, 'published', String(post.failMessage))
    const [published] = publishesOf(igUserId)
    t.ok(published, 'one Reel exists at Instagram')
    t.equal(post.instagramMediaId, published?.id)
    const container = ig.store.containers.get(String(post.publishId))
    t.equal(container?.statusCode, 'PUBLISHED', 'publishId is the container id')
    t.match(container?.params, {
      media_type: 'REELS',
      caption: 'A #reel from Social Bridge',
      share_to_feed: 'true',
      thumb_offset: '1500',
      video_url: /\/public\/[0-9a-f-]{36}\.mp4\?expires=\d+&signature=/,
    })
    t.same(
      post.history?.map((h) => [h.from, h.to]),
      [
        [null, 'queued'],
        ['queued', 'processing'],
        ['processing', 'published'],
      ],
    )
    t.ok(log('ig.content_publishing_limit').length >= 1, 'the live limit was read before publishing')
    t.equal(log('ig.media.publish').length, 1)
    await waitUntil(async () =>
      (await readEvents(stack.namespace, 'social.post.published')).some(
        (e) => (e.data as { postId: string }).postId === post.id,
      ),
    )
    const events = (await readEvents(stack.namespace, 'social.post.>')).filter(
      (e) => (e.data as { postId: string }).postId === post.id,
    )
    t.ok(
      events.every((e) => (e.data as { provider?: string }).provider === 'instagram'),
      'every event carries the provider',
    )
    const done = events.find((e) => e.type === 'social.post.published')
    t.match(done?.data, { instagramMediaId: published?.id, publishId: post.publishId, tiktokPostIds: [] })
  },
)

t.test('the request is checked against the Reels rules before Instagram is asked', async (t) => {
  const { connectionId } = await connectInstagram(stack)
  const mediaId = await clip()
  const webm = (await uploadMedia(stack.app, media('clip-8s-vertical.webm'), 'video/webm')).json()
    .id as string
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [reelPost(connectionId, webm), 'REEL_SPEC_NOT_MET', /MP4 or MOV/],
    [reelPost(connectionId, mediaId, { thumbOffsetMs: 60_000 }), 'REEL_SPEC_NOT_MET', /thumbOffsetMs/],
    [reelPost(connectionId, mediaId, { privacyLevel: 'SELF_ONLY' }), 'OPTION_NOT_SUPPORTED', /privacyLevel/],
    [
      reelPost(connectionId, mediaId, { mode: 'direct', privacyLevel: 'SELF_ONLY' }),
      'OPTION_NOT_SUPPORTED',
      /mode 'reel'/,
    ],
    [reelPost(connectionId, mediaId, { caption: 'x'.repeat(2201) }), 'TITLE_TOO_LONG', /caption/],
  ]
  for (const [body, code, message] of cases) {
    const res = await createPost(stack.app, body)
    t.equal(res.statusCode, 422, code)
    t.match(res.json().error, { code, message }, code)
  }
  const personal = await stack.connectInstagram({ accountType: 'PERSONAL' })
  const refused = await createPost(stack.app, reelPost(personal.connectionId, mediaId))
  t.equal(refused.statusCode, 422)
  t.match(refused.json().error, {
    code: 'INSTAGRAM_PROFESSIONAL_ACCOUNT_REQUIRED',
    message: /professional accounts/,
  })
  const tiktok = await stack.connect()
  const res = await createPost(stack.app, reelPost(tiktok.connectionId, mediaId))
  t.match(res.json().error, { code: 'OPTION_NOT_SUPPORTED' }, 'a TikTok account takes no Reel')
  t.equal(log('ig.media.create').length, 0, 'Instagram was never asked')
})

t.test(
  'a worker that dies after media_publish answered: the container says PUBLISHED, it is never published again',
  async (t) => {
    const { connectionId, igUserId } = await connectInstagram(stack)
    crashAt = { point: 'after', done: false }
    const res = await createPost(stack.app, reelPost(connectionId, await clip()))
    const post = (await waitForPost(stack.app, res.json().id, final)) as Post
    t.ok(crashAt.done, 'the worker crashed between media_publish and recording it')
    t.equal(post.status, 'published')
    t.equal(log('ig.media.publish').length, 1, 'media_publish sent once')
    t.equal(publishesOf(igUserId).length, 1, 'one Reel at Instagram')
    t.equal(
      post.instagramMediaId,
      publishesOf(igUserId)[0]?.id,
      'the media id is found among the account media',
    )
    t.equal(log('ig.media.list').length, 1)
    const note = post.history?.find((h) => h.reason === 'instagram_media_id_found')
    t.ok(note, 'the history says what happened')
    t.match(note?.message, /not published again/)
  },
)

t.test(
  'a lost media_publish answer and two Reels it could be: published, the media id left unknown',
  async (t) => {
    const { connectionId, igUserId, tokens } = await connectInstagram(stack)
    const accessToken = tokens().at(-1) ?? ''
    // A Reel with the same caption published in the app meanwhile: no way to tell which is ours.
    const twin = await stack.app.instagram.publishing.createReelContainer(accessToken, igUserId, {
      videoUrl: 'https://media.social-bridge.test/videos/public/none.mp4',
      caption: 'A #reel from Social Bridge',
    })
    const c = ig.store.containers.get(twin.containerId)!
    c.statusCode = 'FINISHED'
    await stack.app.instagram.publishing.publishContainer(accessToken, igUserId, twin.containerId)
    crashAt = { point: 'after', done: false }
    const res = await createPost(stack.app, reelPost(connectionId, await clip()))
    const post = (await waitForPost(stack.app, res.json().id, final)) as Post
    t.equal(post.status, 'published')
    t.equal(post.instagramMediaId, undefined)
    t.equal(publishesOf(igUserId).length, 2, 'ours was published once')
    t.ok(post.history?.some((h) => h.reason === 'instagram_media_id_unknown'))
  },
)

t.test(
  'a worker that dies before media_publish was sent: the container is FINISHED, it is published once',
  async (t) => {
    const { connectionId, igUserId } = await connectInstagram(stack)
    crashAt = { point: 'before', done: false }
    const res = await createPost(stack.app, reelPost(connectionId, await clip()))
    const post = (await waitForPost(stack.app, res.json().id, final)) as Post
    t.ok(crashAt.done)
    t.equal(post.status, 'published', String(post.failMessage))
    t.equal(log('ig.media.create').length, 1, 'one container')
    t.equal(log('ig.media.publish').length, 1, 'media_publish sent once')
    t.equal(post.instagramMediaId, publishesOf(igUserId)[0]?.id)
  },
)

t.test(
  'media_publish answered 5xx: its outcome is read from the container, then it is published once',
  async (t) => {
    const { connectionId, igUserId } = await connectInstagram(stack)
    stack.sandbox.injectFault({ endpoint: 'ig.media.publish', kind: 'internal_error', status: 503 })
    const res = await createPost(stack.app, reelPost(connectionId, await clip()))
    const post = (await waitForPost(stack.app, res.json().id, final)) as Post
    t.equal(post.status, 'published', String(post.failMessage))
    t.same(
      log('ig.media.publish').map((e) => e.status),
      [503, 200],
    )
    t.equal(publishesOf(igUserId).length, 1)
  },
)

t.test(
  'at the publishing limit a Reel waits (waitingFor, retryAt) and is published when the window frees',
  async (t) => {
    const { connectionId, igUserId } = await connectInstagram(stack)
    ig.settings.publishingQuotaTotal = 1
    ig.settings.publishingQuotaDurationSec = 3600
    const first = await createPost(stack.app, reelPost(connectionId, await clip()))
    t.equal(((await waitForPost(stack.app, first.json().id, final)) as Post).status, 'published')
    const second = await createPost(stack.app, reelPost(connectionId, await clip()))
    const waiting = (await waitForPost(stack.app, second.json().id, (p) => p.waitingFor !== null)) as Post
    t.match(waiting.waitingFor, {
      reason: 'instagram_publishing_limit',
      message: /limit/,
      retryAt: /^\d{4}-/,
    })
    t.equal(waiting.status, 'processing')
    t.equal(log('ig.media.publish').length, 1, 'the limit is read first: no media_publish at the limit')
    stack.sandbox.advanceClock(3601_000) // the first publish leaves the moving window
    const post = (await waitForPost(stack.app, second.json().id, final)) as Post
    t.equal(post.status, 'published', String(post.failMessage))
    t.equal(publishesOf(igUserId).length, 2)
    t.equal(log('ig.media.publish').filter((e) => e.status !== 200).length, 0, 'never refused for the limit')
  },
)

t.test(
  'a Reel that waits for the limit longer than 24 h: its container EXPIRED, the post fails clearly',
  async (t) => {
    const { connectionId } = await connectInstagram(stack)
    ig.settings.publishingQuotaTotal = 1
    const first = await createPost(stack.app, reelPost(connectionId, await clip()))
    await waitForPost(stack.app, first.json().id, final)
    const second = await createPost(stack.app, reelPost(connectionId, await clip()))
    await waitForPost(stack.app, second.json().id, (p) => p.waitingFor !== null)
    stack.sandbox.advanceClock(25 * 3600_000)
    const post = (await waitForPost(stack.app, second.json().id, final)) as Post
    t.equal(post.status, 'failed')
    t.equal(post.failReason, 'container_expired')
    t.match(post.failMessage, /24 hours/)
  },
)

t.test(
  'a container Instagram ends in ERROR fails the post with its subcode and a clear message',
  async (t) => {
    const { connectionId, igUserId } = await connectInstagram(stack)
    stack.sandbox.injectFault({ endpoint: 'ig.container.processing', kind: 'error', code: '2207026' })
    const res = await createPost(stack.app, reelPost(connectionId, await clip()))
    const post = (await waitForPost(stack.app, res.json().id, final)) as Post
    t.equal(post.status, 'failed')
    t.equal(post.failReason, 'container_error_2207026')
    t.match(post.failMessage, /format for Reels/)
    t.equal(log('ig.media.publish').length, 0)
    t.equal(publishesOf(igUserId).length, 0)
  },
)
