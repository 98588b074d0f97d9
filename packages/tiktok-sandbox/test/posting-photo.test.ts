import { once } from 'node:events'
import { createReadStream, existsSync } from 'node:fs'
import { copyFile, mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { samplePhoto } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { api, build, connectUser, waitFor } from './helper.js'
import { statusOf } from './publish-helper.js'

const PREFIX = 'https://photos.example.com/p/'

/** The photos of these tests (testing kit `samplePhoto`, by ffmpeg) under their served names in `dir`. */
async function makePhotos(dir: string) {
  const photos = [
    ['a.jpg', 1080, 1350, 'jpg'],
    ['b.webp', 1080, 1080, 'webp'],
    ['c.png', 640, 640, 'png'],
    ['big.jpg', 2160, 2160, 'jpg'],
  ] as const
  for (const [name, w, h, format] of photos)
    await copyFile(await samplePhoto(w, h, format), path.join(dir, name))
}

t.test('content/init photo posts (docs/tiktok-api.md §3.4)', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sandbox-photos-'))
  await makePhotos(dir)
  const server = createServer((req, res) => {
    const file = path.join(dir, path.basename(req.url ?? ''))
    if (!existsSync(file)) return void res.writeHead(404).end()
    res.writeHead(200)
    createReadStream(file).pipe(res)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => {
    server.closeAllConnections()
    server.close()
  })
  const port = (server.address() as { port: number }).port
  const sandbox = await build(t, {
    verifiedUrlPrefixes: [PREFIX],
    settings: { pullUrlRewrites: { [PREFIX]: `http://127.0.0.1:${port}/` }, processingDelayMs: 10 },
  })
  const { accessToken } = await connectUser(sandbox, ['video.publish', 'video.upload'])
  // Each call counts against the 6 inits/min per token: the limit is reset before each one here.
  const init = (body: Record<string, unknown>, token = accessToken) => {
    sandbox.resetRateLimits()
    return api(sandbox, 'POST', '/v2/post/publish/content/init/', token, body)
  }
  const photoBody = (images: string[], overrides: Record<string, unknown> = {}) => ({
    media_type: 'PHOTO',
    post_mode: 'DIRECT_POST',
    post_info: { title: 'cats', description: 'two #cats', privacy_level: 'PUBLIC_TO_EVERYONE' },
    source_info: {
      source: 'PULL_FROM_URL',
      photo_images: images.map((n) => PREFIX + n),
      photo_cover_index: 0,
    },
    ...overrides,
  })
  const final = (publishId: string) =>
    waitFor(async () => {
      const s = await statusOf(sandbox, accessToken, publishId)
      return ['PUBLISH_COMPLETE', 'FAILED', 'SEND_TO_USER_INBOX'].includes(s.json.data.status) ? s : null
    })

  t.test('a direct carousel is downloaded and published; the answer holds the publish_id only', async (t) => {
    const res = await init(photoBody(['a.jpg', 'b.webp']))
    t.equal(res.status, 200, res.text)
    t.same(Object.keys(res.json.data), ['publish_id'])
    t.match(res.json.data.publish_id, /^p_pub_url~v2\.\d+$/)
    const done = await final(res.json.data.publish_id)
    t.equal(done.json.data.status, 'PUBLISH_COMPLETE')
    t.ok(done.json.data.downloaded_bytes > 0)
  })

  t.test('MEDIA_UPLOAD goes to the inbox', async (t) => {
    const res = await init(photoBody(['a.jpg'], { post_mode: 'MEDIA_UPLOAD', post_info: {} }))
    t.match(res.json.data.publish_id, /^p_inbox_url~/)
    t.equal((await final(res.json.data.publish_id)).json.data.status, 'SEND_TO_USER_INBOX')
  })

  t.test('the body rules answer 400 invalid_params', async (t) => {
    const images = (n: number) => Array.from({ length: n }, () => 'a.jpg')
    const cases: [string, Record<string, unknown>][] = [
      ['video media_type', photoBody(['a.jpg'], { media_type: 'VIDEO' })],
      ['36 photos', photoBody(images(36))],
      [
        'FILE_UPLOAD',
        photoBody(['a.jpg'], {
          source_info: { source: 'FILE_UPLOAD', photo_images: [PREFIX], photo_cover_index: 0 },
        }),
      ],
      [
        'cover out of range',
        photoBody(['a.jpg'], {
          source_info: { source: 'PULL_FROM_URL', photo_images: [PREFIX], photo_cover_index: 1 },
        }),
      ],
      [
        'title over 90',
        photoBody(['a.jpg'], { post_info: { title: 'x'.repeat(91), privacy_level: 'SELF_ONLY' } }),
      ],
      ['direct without privacy', photoBody(['a.jpg'], { post_info: { title: 'x' } })],
    ]
    for (const [name, body] of cases) {
      const res = await init(body)
      t.equal(res.status, 400, name)
      t.equal(res.json.error.code, 'invalid_params', name)
    }
  })

  t.test('a URL outside the verified prefixes answers 403 url_ownership_unverified', async (t) => {
    const body = photoBody(['a.jpg'])
    ;(body.source_info as { photo_images: string[] }).photo_images.push('https://elsewhere.example.net/x.jpg')
    const res = await init(body)
    t.equal(res.status, 403)
    t.equal(res.json.error.code, 'url_ownership_unverified')
  })

  t.test('a PNG, a photo above 1080p and a missing one fail with their fail_reason', async (t) => {
    for (const [name, reason] of [
      ['c.png', 'file_format_check_failed'],
      ['big.jpg', 'picture_size_check_failed'],
      ['gone.jpg', 'photo_pull_failed'],
    ] as const) {
      const res = await init(photoBody(['a.jpg', name]))
      const done = await final(res.json.data.publish_id)
      t.equal(done.json.data.status, 'FAILED', name)
      t.equal(done.json.data.fail_reason, reason, name)
    }
  })

  t.test('faults and the 6/min limit per token apply to content.init', async (t) => {
    sandbox.injectFault({ endpoint: 'content.init', kind: 'internal_error', status: 503 })
    t.equal((await init(photoBody(['a.jpg']))).status, 503)
    const call = () =>
      api(sandbox, 'POST', '/v2/post/publish/content/init/', accessToken, photoBody(['a.jpg']))
    const statuses = []
    for (let i = 0; i < 7; i++) statuses.push((await call()).status)
    t.equal(statuses.at(-1), 429)
    await sandbox.idle() // the accepted ones finish downloading before the sandbox closes
  })
})
