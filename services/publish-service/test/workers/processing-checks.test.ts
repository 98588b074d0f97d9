import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { buildStack, createDirectPost, media, pullClip, uploadMedia, waitForPost } from '../helper.js'

/**
 * TikTok's processing checks (docs/tiktok-api.md §3.8, 3.9) on real videos made with ffmpeg: each ends
 * `failed` with TikTok's fail_reason and a sentence for the CRM user, after the upload.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'sb-publish-media-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
function makeVideo(name: string, size: string, rate: number): string {
  const out = path.join(dir, name)
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${rate}`, '-t', '3'],
    ...['-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-y', out],
  ])
  return out
}

const stack = await buildStack(t)
const final = (p: Record<string, unknown>) => p.status === 'failed' || p.status === 'published'

async function publishFile(file: string) {
  const { connectionId } = await stack.connect()
  const up = await uploadMedia(stack.app, file)
  t.equal(up.statusCode, 201, 'intake accepts a real video')
  const res = await createDirectPost(stack.app, connectionId, { mediaId: up.json().id })
  t.equal(res.statusCode, 202)
  return waitForPost(stack.app, res.json().id, final)
}

t.test('a 10 fps video fails with frame_rate_check_failed', async (t) => {
  const p = await publishFile(makeVideo('10fps.mp4', '720x1280', 10))
  t.equal(p.status, 'failed')
  t.equal(p.failReason, 'frame_rate_check_failed')
  t.match(p.failMessage, /frames per second/)
})

t.test('a 320x240 video fails with picture_size_check_failed', async (t) => {
  const p = await publishFile(makeVideo('320x240.mp4', '320x240', 30))
  t.equal(p.status, 'failed')
  t.equal(p.failReason, 'picture_size_check_failed')
  t.match(p.failMessage, /picture size/)
})

t.test('a pulled video longer than the creator may post fails with duration_check_failed', async (t) => {
  const { res } = await pullClip(stack, t, {}, 'clip-40s-vertical.mp4', { maxVideoPostDurationSec: 30 })
  t.equal(res.statusCode, 202, 'a URL has no known duration before TikTok downloads it')
  const p = await waitForPost(stack.app, res.json().id, final)
  t.equal(p.status, 'failed')
  t.equal(p.failReason, 'duration_check_failed')
  t.match(p.failMessage, /longer than this TikTok account/)
})

t.test('a direct post on an account that did not grant video.publish is refused before init', async (t) => {
  const { connectionId } = await stack.connect({}, undefined, ['user.info.basic', 'video.upload'])
  const mediaId = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id
  const inits = () => stack.sandbox.requestLog().filter((e) => e.endpoint === 'video.init').length
  const before = inits()
  const res = await createDirectPost(stack.app, connectionId, { mediaId })
  t.equal(res.statusCode, 422, res.body)
  t.equal(res.json().error.code, 'TIKTOK_REJECTED')
  t.equal(res.json().error.details.tiktokCode, 'scope_not_authorized')
  t.match(res.json().error.message, /Reconnect it and allow posting/)
  t.equal(inits(), before, 'TikTok init was not called')
})
