import t from 'tap'
import { buildStack, createPost, VERIFIED_PREFIX, waitForPost } from '../helper.js'
import { makePhoto, photoPost, servePhotos, uploadPhoto } from '../photos.js'

const ended = (p: Record<string, unknown>) =>
  p.status === 'failed' ||
  p.status === 'sent_to_inbox' ||
  (p.status === 'published' && (p.tiktokPostIds as string[]).length > 0)

t.test('photo posts through content/init', async (t) => {
  const stack = await buildStack(t)
  await servePhotos(t, stack)
  const [jpeg, webp] = await Promise.all([makePhoto(1080, 1350, 'jpg'), makePhoto(1080, 1080, 'webp')])
  await makePhoto(1920, 1080, 'jpg') // served by URL below
  const stored = async () => [
    { mediaId: (await uploadPhoto(stack.app, jpeg, 'image/jpeg')).json().id as string },
    { mediaId: (await uploadPhoto(stack.app, webp, 'image/webp')).json().id as string },
  ]
  const inits = () => stack.sandbox.requestLog().filter((e) => e.endpoint === 'content.init')

  t.test('a direct carousel of stored photos and a URL is pulled by TikTok and published', async (t) => {
    const { connectionId } = await stack.connect()
    const photos = [...(await stored()), { url: `${VERIFIED_PREFIX}photo-1920x1080.jpg` }]
    const res = await createPost(stack.app, photoPost(connectionId, photos))
    t.equal(res.statusCode, 202, res.body)
    t.equal(res.json().photoCount, 3)
    const post = await waitForPost(stack.app, res.json().id, ended)
    t.equal(post.status, 'published', String(post.failReason))
    t.match(post.publishId, /^p_pub_url~/)
    t.equal(inits().length, 1)
    const publish = stack.sandbox.listPublishes().find((p) => p.publishId === post.publishId)
    t.equal(publish?.photos?.urls.length, 3)
    t.equal(publish?.photos?.coverIndex, 2)
    t.match(publish?.photos?.urls[0], /\/public\/[0-9a-f-]{36}\.jpg\?expires=\d+&signature=/, 'a signed URL')
    t.equal(publish?.title, 'carousel')
  })

  t.test('an inbox carousel (MEDIA_UPLOAD) reaches the creator’s inbox', async (t) => {
    const { connectionId } = await stack.connect()
    const res = await createPost(stack.app, photoPost(connectionId, await stored(), { mode: 'inbox' }))
    const post = await waitForPost(stack.app, res.json().id, ended)
    t.equal(post.status, 'sent_to_inbox', String(post.failReason))
    t.match(post.publishId, /^p_inbox_url~/)
  })

  t.test('a URL outside the verified prefixes answers 422 before TikTok is called', async (t) => {
    const { connectionId } = await stack.connect()
    const before = inits().length
    const res = await createPost(
      stack.app,
      photoPost(connectionId, [{ url: 'https://elsewhere.test/a.jpg' }]),
    )
    t.equal(res.statusCode, 422)
    t.equal(res.json().error.code, 'URL_NOT_VERIFIED')
    t.equal(inits().length, before)
  })

  t.test('a photo TikTok cannot download fails the post with photo_pull_failed', async (t) => {
    const { connectionId } = await stack.connect()
    const res = await createPost(
      stack.app,
      photoPost(connectionId, [{ url: `${VERIFIED_PREFIX}missing.jpg` }]),
    )
    const post = await waitForPost(stack.app, res.json().id, ended)
    t.equal(post.status, 'failed')
    t.equal(post.failReason, 'photo_pull_failed')
    t.match(post.failMessage, /could not download the photos/)
  })

  t.test('content/init answered 429 waits and tries again', async (t) => {
    const { connectionId } = await stack.connect()
    stack.sandbox.injectFault({ endpoint: 'content.init', kind: 'rate_limit' })
    const before = inits().length
    const res = await createPost(stack.app, photoPost(connectionId, await stored()))
    const post = await waitForPost(stack.app, res.json().id, ended)
    t.equal(post.status, 'published', String(post.failReason))
    t.equal(inits().length - before, 2, 'the refused init and the one that worked')
  })
})
