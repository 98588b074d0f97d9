import t from 'tap'
import { asUser, buildStack } from '../../helper.js'
import { makePhoto, uploadPhoto } from '../../photos.js'

t.test('photo uploads and their public URLs', async (t) => {
  const stack = await buildStack(t, { worker: false })
  const [jpeg, webp, png, big] = await Promise.all([
    makePhoto(1080, 1350, 'jpg'),
    makePhoto(1080, 1080, 'webp'),
    makePhoto(640, 640, 'png'),
    makePhoto(2160, 2160, 'jpg'),
  ])

  t.test('JPEG and WebP made by ffmpeg are stored with their size in pixels', async (t) => {
    for (const [file, type, w, h] of [
      [jpeg, 'image/jpeg', 1080, 1350],
      [webp, 'image/webp', 1080, 1080],
    ] as const) {
      const res = await uploadPhoto(stack.app, file, type)
      t.equal(res.statusCode, 201, res.body)
      t.match(res.json(), { contentType: type, width: w, height: h })
    }
  })

  t.test(
    'a PNG, a photo declared as another format, or one above 1080p answers 422 MEDIA_NOT_PHOTO',
    async (t) => {
      for (const [file, type] of [
        [png, 'image/jpeg'],
        [jpeg, 'image/webp'],
        [big, 'image/jpeg'],
      ] as const) {
        const res = await uploadPhoto(stack.app, file, type)
        t.equal(res.statusCode, 422, `${file} as ${type}`)
        t.equal(res.json().error.code, 'MEDIA_NOT_PHOTO')
      }
      const rows = await stack.app
        .sql`select count(*)::int as n from publish.media where content_type like 'image/%'`
      t.equal(rows[0]?.n, 2, 'nothing more was stored')
    },
  )

  t.test('a photo declared over 20 MB is refused before its body is read', async (t) => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/media',
      headers: { ...(await asUser()), 'content-type': 'image/jpeg', 'content-length': '20000001' },
      payload: 'x',
    })
    t.equal(res.statusCode, 413)
  })

  t.test(
    'a signed public URL serves the photo without identity; altered or expired ones answer 404',
    async (t) => {
      const stored = (await uploadPhoto(stack.app, webp, 'image/webp')).json()
      const url = new URL(stack.app.publish.photoUrls.sign(stored.id, 'image/webp'))
      t.match(
        url.href,
        /^https:\/\/media\.social-bridge\.test\/videos\/public\/[0-9a-f-]{36}\.webp\?expires=\d+&signature=/,
      )
      const path = `/media/public/${url.pathname.split('/').pop()}`
      const ok = await stack.app.inject({ url: `${path}${url.search}` })
      t.equal(ok.statusCode, 200)
      t.equal(ok.headers['content-type'], 'image/webp')
      t.equal(ok.rawPayload.length, stored.sizeBytes)
      const { createHash } = await import('node:crypto')
      t.equal(createHash('sha256').update(ok.rawPayload).digest('hex'), stored.sha256, 'the same bytes')

      const altered = url.search.replace(
        /signature=./,
        (m) => `${m.slice(0, -1)}${m.endsWith('A') ? 'B' : 'A'}`,
      )
      const expired = new URL(
        stack.app.publish.photoUrls.sign(stored.id, 'image/webp', Date.now() - 4 * 3600_000),
      )
      for (const query of [altered, expired.search, '']) {
        const res = await stack.app.inject({ url: `${path}${query}` })
        t.equal(res.statusCode, 404, query || 'unsigned')
      }
    },
  )
})
