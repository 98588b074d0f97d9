import { eq } from 'drizzle-orm'
import t from 'tap'
import { posts } from '../../src/db/schema.js'
import { directPostInfo } from '../../src/domain/post-options.js'
import { buildStack, createDirectPost, media, uploadMedia } from '../helper.js'

// No worker: the stored row is read back and turned into TikTok's post_info as the init step does.
const stack = await buildStack(t, { worker: false })
const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id as string

async function storedPost(
  overrides: Record<string, unknown>,
  user: Parameters<typeof stack.connect>[0] = {},
) {
  const { connectionId } = await stack.connect(user)
  const res = await createDirectPost(stack.app, connectionId, { mediaId }, overrides)
  if (res.statusCode !== 202) throw new Error(`post answered ${res.statusCode}: ${res.body}`)
  const [row] = await stack.app.db.select().from(posts).where(eq(posts.id, res.json().id))
  if (!row) throw new Error('post not stored')
  return row
}

t.test('a post stores creator_info’s interactions and the other post_info fields as sent', async (t) => {
  // A private account: duets and stitches are off, so they are forced on whatever the request says.
  const row = await storedPost(
    { title: 'hi', disableComment: true, coverTimestampMs: 1500, brandContentToggle: true, isAigc: true },
    { private: true },
  )
  t.strictSame(row.options, {
    disableComment: true,
    disableDuet: true,
    disableStitch: true,
    coverTimestampMs: 1500,
    brandContentToggle: true,
    isAigc: true,
  })
  t.strictSame(directPostInfo(row), {
    privacyLevel: 'SELF_ONLY',
    title: 'hi',
    disableComment: true,
    disableDuet: true,
    disableStitch: true,
    brandContentToggle: true,
    isAigc: true,
    videoCoverTimestampMs: 1500,
  })
})

t.test('a post without options stores none and sends only its privacy level', async (t) => {
  const row = await storedPost({ privacyLevel: 'PUBLIC_TO_EVERYONE' })
  t.strictSame(row.options, {}, 'nothing the CRM left out is stored')
  const info = directPostInfo(row)
  t.equal(info.privacyLevel, 'PUBLIC_TO_EVERYONE')
  t.notOk('title' in info, 'no title')
  t.strictSame(
    Object.entries(info).filter(([key, value]) => key !== 'privacyLevel' && value !== undefined),
    [],
    'no other field has a value (the client sends the brand toggles as false)',
  )
})
