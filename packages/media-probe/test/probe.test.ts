import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { SAMPLE_CLIPS, sampleClip } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { probeMediaFile } from '../src/index.js'

const CLIP_15 = SAMPLE_CLIPS['clip-15s-vertical.mp4']

t.test('a real vertical MP4 is probed for container, codec, duration, size and frame rate', async (t) => {
  const probe = await probeMediaFile(await sampleClip('clip-15s-vertical.mp4'))
  t.match(probe, {
    container: 'MPEG-4',
    hasVideo: true,
    truncated: false,
    width: CLIP_15.width,
    height: CLIP_15.height,
  })
  t.ok(probe.durationSec! > 14 && probe.durationSec! < 16, `duration ${probe.durationSec} s`)
  t.ok(probe.frameRate! >= 23 && probe.frameRate! <= 60, `frame rate ${probe.frameRate}`)
  t.type(probe.videoCodec, 'string')
})

t.test('a WebM is probed as WebM with a video track', async (t) => {
  const probe = await probeMediaFile(await sampleClip('clip-8s-vertical.webm'))
  t.match(probe, { container: 'WebM', hasVideo: true })
})

t.test('a text file named .mp4 has no container and no video track', async (t) => {
  const file = path.join(tmpdir(), `not-a-video-${process.pid}.mp4`)
  await writeFile(file, 'hello, this is not a video\n'.repeat(100))
  t.teardown(() => import('node:fs/promises').then((fs) => fs.rm(file, { force: true })))
  t.match(await probeMediaFile(file), { container: null, hasVideo: false })
})

t.test('a missing file rejects', async (t) => {
  await t.rejects(probeMediaFile(path.join(tmpdir(), 'no-such-file.mp4')), { code: 'ENOENT' })
})
