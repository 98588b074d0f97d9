import { stat } from 'node:fs/promises'
import { Subjects } from '@social-bridge/contracts'
import { readEvents } from '@social-bridge/service-kit/testing'
import t from 'tap'
import {
  buildStack,
  clip40Ranges,
  createDirectPost,
  holdProcessing,
  MIB,
  media,
  postClip,
  uploadMedia,
  waitForPost,
} from '../helper.js'

// One stack for the file (5 MiB chunks; clip-15s is below 5 MiB and goes as one chunk anyway).
const stack = await buildStack(t, { config: { CHUNK_SIZE_BYTES: 5 * MIB } })

const published = (p: Record<string, unknown>) =>
  p.status === 'failed' || (p.status === 'published' && (p.tiktokPostIds as string[]).length > 0)

t.test('a direct post of clip-15s (one chunk) ends published with a post id', async (t) => {
  stack.sandbox.clearRequestLog()
  const { connectionId } = await stack.connect()
  const uploaded = await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))
  t.equal(uploaded.statusCode, 201, 'media stored')
  const res = await createDirectPost(
    stack.app,
    connectionId,
    { mediaId: uploaded.json().id },
    { title: 'hello #fyp', privacyLevel: 'PUBLIC_TO_EVERYONE' },
  )
  t.equal(res.statusCode, 202)
  t.equal(res.json().status, 'queued', 'answered at once, before TikTok is called')
  const post = await waitForPost(stack.app, res.json().id, published)
  t.equal(post.status, 'published')
  t.match(post.tiktokPostIds, [/^[0-9]{19}$/], 'the 19-digit post id is kept intact as a string')
  const { size } = await stat(media('clip-15s-vertical.mp4'))
  t.equal(post.uploadedBytes, size)
  const publish = stack.sandbox.getPublish(post.publishId as string)
  t.same(publish?.postIds, post.tiktokPostIds, 'the same id TikTok holds')
  const uploads = stack.sandbox.requestLog().filter((e) => e.endpoint === 'upload')
  t.same(
    uploads.map((u) => u.contentRange),
    [`bytes 0-${size - 1}/${size}`],
    'one chunk with the whole file',
  )
})

t.test(
  'a direct post of clip-40s in 5 MiB chunks ends published, every chunk sent once, in order',
  async (t) => {
    stack.sandbox.clearRequestLog()
    const { connectionId } = await stack.connect()
    const uploaded = await uploadMedia(stack.app, media('clip-40s-vertical.mp4'))
    t.equal(uploaded.statusCode, 201)
    const mediaId = uploaded.json().id
    const res = await createDirectPost(
      stack.app,
      connectionId,
      { mediaId },
      { privacyLevel: 'PUBLIC_TO_EVERYONE' },
    )
    const post = await waitForPost(stack.app, res.json().id, published)
    t.equal(post.status, 'published')
    t.equal((post.tiktokPostIds as string[]).length, 1)
    const ranges = stack.sandbox
      .requestLog()
      .filter((e) => e.endpoint === 'upload')
      .map((e) => e.contentRange)
    t.same(ranges, await clip40Ranges())
    t.equal(stack.sandbox.requestLog().filter((e) => e.endpoint === 'video.init').length, 1, 'one init')
  },
)

t.test('every status change is stored with its time and emitted as an event', async (t) => {
  holdProcessing(stack, t)
  const { res } = await postClip(stack, { privacyLevel: 'PUBLIC_TO_EVERYONE' })
  const id = res.json().id as string
  await waitForPost(stack.app, id, published)
  const history = await stack.app.publish.posts.history(id)
  t.same(
    history.map((h) => h.toStatus),
    ['queued', 'uploading', 'processing', 'published'],
  )
  t.ok(history.every((h) => h.at instanceof Date))
  const events = await readEvents(stack.namespace, 'social.post.>')
  const types = events.filter((e) => (e.data as { postId: string }).postId === id).map((e) => e.type)
  t.same(types.filter((x) => x === Subjects.postCreated).length, 1)
  t.same(types.filter((x) => x === Subjects.postStatusChanged).length, 3)
  const publishedEvents = events.filter((e) => e.type === Subjects.postPublished)
  t.ok(publishedEvents.length >= 1, 'published emitted')
  const last = publishedEvents[publishedEvents.length - 1]?.data as { tiktokPostIds: string[] }
  t.match(last.tiktokPostIds, [/^[0-9]{19}$/], 'the last published event carries the post id')
  t.equal(new Set(publishedEvents.map((e) => e.id)).size, publishedEvents.length, 'distinct envelope ids')
})

t.test('a post init announces the connection quota (posts left) as social.quota.changed', async (t) => {
  const { res } = await postClip(stack, { privacyLevel: 'PUBLIC_TO_EVERYONE' })
  const post = await waitForPost(stack.app, res.json().id as string, published)
  const events = await readEvents(stack.namespace, Subjects.quotaChanged)
  const mine = events.filter((e) => (e.data as { connectionId: string }).connectionId === post.connectionId)
  t.ok(mine.length >= 1, 'announced')
  const last = mine.at(-1)?.data as { postsLeft: number; draftsLeft: number; nextFreeSlotAt: string | null }
  t.ok(last.postsLeft >= 0 && last.postsLeft < 6, `postsLeft ${last.postsLeft} counts the init`)
  t.equal(last.draftsLeft, 5)
  t.type(mine.at(-1)?.tenantId, 'string', 'carries the tenant')
})
