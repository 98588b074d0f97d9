import { once } from 'node:events'
import { createReadStream } from 'node:fs'
import { stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { SAMPLE_CLIPS } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { api, build, connectUser, media, waitFor } from './helper.js'
import { directInit, directPost, fileSource, finalStatus, inboxInit, statusOf } from './publish-helper.js'
import { putChunk } from './upload-helper.js'

const CLIP15 = await media('clip-15s-vertical.mp4')
const CLIP40 = await media('clip-40s-vertical.mp4')
const WEBM = await media('clip-8s-vertical.webm')

t.test(
  'clip-15s in one chunk is published, then gets a 19-digit post id as an exact JSON number',
  async (t) => {
    const sandbox = await build(t)
    const { accessToken, user } = await connectUser(sandbox, ['video.publish', 'video.list'])
    const { publishId, statuses, size } = await directPost(sandbox, accessToken, CLIP15)
    t.same(statuses, [201])
    const done = await finalStatus(sandbox, accessToken, publishId, ['PUBLISH_COMPLETE', 'FAILED'])
    t.equal(done.json.data.status, 'PUBLISH_COMPLETE')
    t.equal(done.json.data.uploaded_bytes, size)
    const withId = await waitFor(async () => {
      const res = await statusOf(sandbox, accessToken, publishId)
      return res.json.data.publicaly_available_post_id.length ? res : undefined
    })
    const exact = sandbox.getPublish(publishId)!.postIds[0]!
    t.match(exact, /^\d{19}$/)
    t.ok(BigInt(exact) > BigInt(Number.MAX_SAFE_INTEGER))
    t.ok(
      withId.text.includes(`"publicaly_available_post_id":[${exact}]`),
      'raw JSON holds the exact digits as a number',
    )
    const list = await api(
      sandbox,
      'POST',
      '/v2/video/list/?fields=id,duration,width,height',
      accessToken,
      {},
    )
    const { durationSec, width, height } = SAMPLE_CLIPS['clip-15s-vertical.mp4']
    t.same(list.json.data.videos, [{ id: exact, duration: durationSec, width, height }], 'the post is listed')
    t.same(
      sandbox.webhookDeliveries().map((d) => d.event),
      ['post.publish.complete', 'post.publish.publicly_available'],
    )
    t.equal(sandbox.webhookDeliveries()[0]!.userOpenId, user.openId)
  },
)

t.test('clip-40s uploaded in chunks is published', async (t) => {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['video.publish'])
  const { publishId, statuses } = await directPost(sandbox, accessToken, CLIP40, {
    chunkSize: 6 * 1024 * 1024,
  })
  t.same(statuses, [206, 206, 206, 201])
  const done = await finalStatus(sandbox, accessToken, publishId, ['PUBLISH_COMPLETE', 'FAILED'])
  t.equal(done.json.data.status, 'PUBLISH_COMPLETE')
})

t.test('a clip longer than the creator maximum fails with duration_check_failed', async (t) => {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['video.publish'], { maxVideoPostDurationSec: 30 })
  const { publishId } = await directPost(sandbox, accessToken, CLIP40, { chunkSize: 10_000_000 })
  const done = await finalStatus(sandbox, accessToken, publishId, ['PUBLISH_COMPLETE', 'FAILED'])
  t.equal(done.json.data.status, 'FAILED')
  t.equal(done.json.data.fail_reason, 'duration_check_failed')
  const failed = sandbox.webhookDeliveries().find((d) => d.event === 'post.publish.failed')
  t.same(failed?.content, {
    publish_id: publishId,
    reason: 'duration_check_failed',
    publish_type: 'DIRECT_POST',
  })
})

t.test('a truncated MP4 and a text file named .mp4 fail with file_format_check_failed', async (t) => {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['video.publish'], {})
  const dir = tmpdir()
  const truncated = path.join(dir, `sandbox-trunc-${process.pid}.mp4`)
  const text = path.join(dir, `sandbox-text-${process.pid}.mp4`)
  const { readFile } = await import('node:fs/promises')
  await writeFile(truncated, (await readFile(CLIP15)).subarray(0, 1_000_000))
  await writeFile(text, 'this is not a video\n'.repeat(100))
  t.teardown(async () => {
    const { rm } = await import('node:fs/promises')
    await rm(truncated, { force: true })
    await rm(text, { force: true })
  })
  for (const file of [truncated, text]) {
    const { publishId } = await directPost(sandbox, accessToken, file)
    const done = await finalStatus(sandbox, accessToken, publishId, ['PUBLISH_COMPLETE', 'FAILED'])
    t.equal(done.json.data.fail_reason, 'file_format_check_failed', path.basename(file))
  }
})

t.test(
  'an inbox upload reaches SEND_TO_USER_INBOX and, once the user posts it, PUBLISH_COMPLETE',
  async (t) => {
    const sandbox = await build(t)
    const { accessToken } = await connectUser(sandbox, ['video.upload'])
    const size = (await stat(WEBM)).size
    const init = await inboxInit(sandbox, accessToken, fileSource(size, size, 1))
    const res = await putChunk(
      init.json.data.upload_url,
      () => createReadStream(WEBM),
      {
        first: 0,
        last: size - 1,
        total: size,
      },
      { 'content-type': 'video/webm' },
    )
    t.equal(res.status, 201)
    const publishId = init.json.data.publish_id
    const inbox = await finalStatus(sandbox, accessToken, publishId, ['SEND_TO_USER_INBOX', 'FAILED'])
    t.equal(inbox.json.data.status, 'SEND_TO_USER_INBOX')
    t.same(
      sandbox.webhookDeliveries().map((d) => d.content),
      [{ publish_id: publishId, publish_type: 'INBOX_SHARE' }],
    )
    sandbox.postInboxDraft(publishId)
    const posted = await statusOf(sandbox, accessToken, publishId)
    t.equal(posted.json.data.status, 'PUBLISH_COMPLETE')
    await waitFor(() =>
      sandbox.webhookDeliveries().some((d) => d.event === 'post.publish.publicly_available'),
    )
    t.same(
      sandbox.webhookDeliveries().map((d) => d.event),
      ['post.publish.inbox_delivered', 'post.publish.complete', 'post.publish.publicly_available'],
    )
  },
)

t.test('PULL_FROM_URL downloads through a rewrite; a redirect fails with video_pull_failed', async (t) => {
  const server = createServer((req, res) => {
    if (req.url === '/v/clip.mp4') {
      res.writeHead(200, { 'content-type': 'video/mp4' })
      createReadStream(CLIP15).pipe(res)
    } else {
      res.writeHead(302, { location: '/v/clip.mp4' })
      res.end()
    }
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  const port = (server.address() as { port: number }).port
  const sandbox = await build(t, {
    verifiedUrlPrefixes: ['https://media.example.com/'],
    settings: { pullUrlRewrites: { 'https://media.example.com/': `http://127.0.0.1:${port}/` } },
  })
  const { accessToken } = await connectUser(sandbox, ['video.publish'])
  const pull = (video_url: string) => directInit(sandbox, accessToken, { source: 'PULL_FROM_URL', video_url })
  const ok = await pull('https://media.example.com/v/clip.mp4')
  t.match(ok.json.data, { publish_id: /^v_pub_url~v2\.\d+$/ })
  t.notOk('upload_url' in ok.json.data)
  const done = await finalStatus(sandbox, accessToken, ok.json.data.publish_id, [
    'PUBLISH_COMPLETE',
    'FAILED',
  ])
  t.equal(done.json.data.status, 'PUBLISH_COMPLETE')
  t.equal(done.json.data.downloaded_bytes, (await stat(CLIP15)).size)

  const redirected = await pull('https://media.example.com/moved.mp4')
  const failed = await finalStatus(sandbox, accessToken, redirected.json.data.publish_id, [
    'PUBLISH_COMPLETE',
    'FAILED',
  ])
  t.equal(failed.json.data.fail_reason, 'video_pull_failed')

  const unverified = await pull('https://evil.example.net/v/clip.mp4')
  t.equal(unverified.status, 403)
  t.equal(unverified.json.error.code, 'url_ownership_unverified')
})
