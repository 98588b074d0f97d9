import t from 'tap'
import { sweepMedia } from '../../src/workers/media-retention.js'
import { asUser, buildStack, media, uploadMedia } from '../helper.js'
import { makePhoto, uploadPhoto } from '../photos.js'
import { changePost, inMs, schedulePost } from '../schedule-steps.js'

t.test('media past retention is deleted; media a scheduled post needs is kept', async (t) => {
  const stack = await buildStack(t, { worker: false })
  const { app } = stack
  const { connectionId } = await stack.connect()
  const upload = async () =>
    (await uploadMedia(app, media('clip-8s-vertical.webm'), 'video/webm')).json().id as string
  const photoId = (await uploadPhoto(app, await makePhoto(1080, 1080, 'webp'), 'image/webp')).json()
    .id as string
  const [unused, scheduled, cancelled, recent] = [
    await upload(),
    await upload(),
    await upload(),
    await upload(),
  ]
  await schedulePost(app, connectionId, { mediaId: scheduled }, inMs(100 * 86_400_000))
  const photoPost = await app.inject({
    method: 'POST',
    url: '/posts',
    headers: await asUser(),
    payload: {
      connectionId,
      mode: 'direct',
      privacyLevel: 'SELF_ONLY',
      source: { photos: [{ mediaId: photoId }] },
      scheduledAt: inMs(90 * 86_400_000),
    },
  })
  t.equal(photoPost.statusCode, 202, photoPost.body)
  const gone = (await schedulePost(app, connectionId, { mediaId: cancelled }, inMs(100 * 86_400_000))).json()
  t.equal((await changePost(app, gone.id, 'cancel')).statusCode, 200)
  // Everything was stored 40 days ago and the cancelled post ended 31 days ago; `recent` is fresh.
  await app.sql`update publish.media set created_at = now() - interval '40 days' where id <> ${recent}`
  await app.sql`update publish.posts set updated_at = now() - interval '31 days' where id = ${gone.id}`

  const deleted = await sweepMedia({ media: app.publish.media, store: app.mediaStore, days: 30 })
  t.equal(deleted, 2, 'the unused and the cancelled post’s video')
  const left = (await app.sql<{ id: string }[]>`select id from publish.media`).map((r) => r.id).sort()
  t.same(left, [scheduled, recent, photoId].sort(), 'scheduled posts keep their media; fresh media stays')
  t.equal(await app.mediaStore.size(unused), null, 'its bytes are gone too')
  t.ok(await app.mediaStore.size(scheduled), 'kept bytes are still there')
  t.equal(await sweepMedia({ media: app.publish.media, store: app.mediaStore, days: 0 }), 0, '0 keeps all')
})
