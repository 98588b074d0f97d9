import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import { build, connectUser } from './helper.js'
import { directPost, finalStatus } from './publish-helper.js'

/**
 * Real encoded videos made with ffmpeg (testsrc, 2 s) that break one limit of docs/tiktok-api.md §3.9
 * each, plus a MOV that breaks none.
 */
const dir = await mkdtemp(path.join(tmpdir(), 'sandbox-encoded-'))
t.teardown(() => rm(dir, { recursive: true, force: true }))

async function encode(name: string, args: string[]): Promise<string> {
  const file = path.join(dir, name)
  await promisify(execFile)('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, file])
  return file
}
const testsrc = (size: string, rate: number) => [
  '-f',
  'lavfi',
  '-i',
  `testsrc=size=${size}:rate=${rate}`,
  '-t',
  '2',
]
const h264 = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p']

async function verdict(t: Test, file: string, contentType = 'video/mp4') {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['video.publish'])
  const { publishId, statuses } = await directPost(sandbox, accessToken, file, { contentType })
  t.same(statuses, [201], 'uploaded in one chunk')
  const done = await finalStatus(sandbox, accessToken, publishId, ['PUBLISH_COMPLETE', 'FAILED'])
  return done.json.data as { status: string; fail_reason?: string }
}

t.test('an H.264 MP4 at 10 fps fails with frame_rate_check_failed (23–60 fps)', async (t) => {
  const file = await encode('fps10.mp4', [...testsrc('480x640', 10), ...h264])
  t.match(await verdict(t, file), { status: 'FAILED', fail_reason: 'frame_rate_check_failed' })
})

t.test('an H.264 MP4 of 200x200 fails with picture_size_check_failed (sides 360–4096 px)', async (t) => {
  const file = await encode('small.mp4', [...testsrc('200x200', 30), ...h264])
  t.match(await verdict(t, file), { status: 'FAILED', fail_reason: 'picture_size_check_failed' })
})

t.test('an H.264 MOV within every limit is published', async (t) => {
  const file = await encode('ok.mov', [...testsrc('480x640', 30), ...h264])
  const v = await verdict(t, file, 'video/quicktime')
  t.equal(v.status, 'PUBLISH_COMPLETE', `fail_reason ${v.fail_reason}`)
  t.equal(v.fail_reason, undefined)
})

t.test('a variable-frame-rate WebM whose frame rate cannot be read does not pass', async (t) => {
  // Irregular timestamps: MediaInfo reports FrameRate_Mode VFR and no FrameRate for this WebM.
  const file = await encode('vfr.webm', [
    ...testsrc('480x640', 30),
    '-vf',
    "setpts='if(lt(N,20),N*0.02,N*0.05)/TB'",
    '-fps_mode',
    'vfr',
    '-c:v',
    'libvpx',
    '-b:v',
    '200k',
  ])
  t.match(await verdict(t, file, 'video/webm'), { status: 'FAILED', fail_reason: 'frame_rate_check_failed' })
})
