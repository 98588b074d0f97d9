import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'
import {
  type ClipRecipe,
  cachedClipName,
  ensureClip,
  SAMPLE_CLIPS,
  type SampleClipName,
  sampleClip,
  sampleMediaDir,
} from '../../src/testing/index.js'

const run = promisify(execFile)
const MIB = 1024 * 1024

/** What ffprobe reads from a file: container, each stream's codec, picture, frame rate and duration. */
async function ffprobe(file: string) {
  const entries = 'format=format_name,duration:stream=codec_type,codec_name,width,height,avg_frame_rate'
  const { stdout } = await run('ffprobe', ['-v', 'error', '-of', 'json', '-show_entries', entries, file])
  const out = JSON.parse(stdout) as {
    format: { format_name: string; duration: string }
    streams: {
      codec_type: string
      codec_name: string
      width?: number
      height?: number
      avg_frame_rate: string
    }[]
  }
  const video = out.streams.find((s) => s.codec_type === 'video')
  const [num = 0, den = 1] = (video?.avg_frame_rate ?? '0/1').split('/').map(Number)
  return {
    format: out.format.format_name,
    durationSec: Number(out.format.duration),
    video: video?.codec_name,
    audio: out.streams.find((s) => s.codec_type === 'audio')?.codec_name,
    width: video?.width,
    height: video?.height,
    frameRate: num / den,
  }
}

/** A fresh cache folder, removed at teardown. */
async function tempCache(t: Test): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sb-test-media-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const tiny: ClipRecipe = {
  name: 'tiny.mp4',
  container: 'mp4',
  durationSec: 1,
  width: 360,
  height: 640,
  frameRate: 30,
  videoKbps: 500,
  audioKbps: 32,
}

const expected = {
  'clip-15s-vertical.mp4': { format: /mp4/, video: 'h264', audio: 'aac', chunks5MiB: 1 },
  'clip-40s-vertical.mp4': { format: /mp4/, video: 'h264', audio: 'aac', chunks5MiB: 4 },
  'clip-8s-vertical.webm': { format: /webm/, video: 'vp9', audio: 'opus', chunks5MiB: 1 },
} as const

for (const name of Object.keys(SAMPLE_CLIPS) as SampleClipName[]) {
  t.test(`${name} is a real video matching its recipe`, async (t) => {
    const recipe: ClipRecipe = SAMPLE_CLIPS[name]
    const file = await sampleClip(name)
    const { size } = await stat(file)
    const probe = await ffprobe(file)
    t.match(probe, {
      format: expected[name].format,
      video: expected[name].video,
      audio: expected[name].audio,
      width: recipe.width,
      height: recipe.height,
      frameRate: recipe.frameRate,
    })
    t.ok(Math.abs(probe.durationSec - recipe.durationSec) < 0.1, `duration ${probe.durationSec} s`)
    t.ok(size >= recipe.sizeBytes!.min && size <= recipe.sizeBytes!.max, `${size} bytes within the recipe`)
    t.equal(Math.max(1, Math.floor(size / (5 * MIB))), expected[name].chunks5MiB, 'chunks of 5 MiB')
  })
}

t.test('clip-40s goes in four chunks of 6 MiB too', async (t) => {
  const { size } = await stat(await sampleClip('clip-40s-vertical.mp4'))
  t.equal(Math.floor(size / (6 * MIB)), 4)
})

t.test('sampleMediaDir holds every sample clip under its plain name, same bytes as the cache', async (t) => {
  const dir = await sampleMediaDir()
  // Another test process may be linking the same names on a first run: its temp names are not ours to judge.
  const names = (await readdir(dir)).filter((n) => !n.endsWith('.tmp'))
  t.same(names.sort(), Object.keys(SAMPLE_CLIPS).sort())
  for (const name of Object.keys(SAMPLE_CLIPS) as SampleClipName[]) {
    const [a, b] = await Promise.all([stat(path.join(dir, name)), stat(await sampleClip(name))])
    t.equal(a.size, b.size, name)
  }
})

t.test('a clip is encoded once and then served from the cache', async (t) => {
  const cache = await tempCache(t)
  const first = await ensureClip(tiny, cache)
  t.equal(path.dirname(first), cache)
  const before = await stat(first)
  const again = await ensureClip(tiny, cache)
  t.equal(again, first)
  t.equal((await stat(again)).mtimeMs, before.mtimeMs, 'not encoded again')
  t.same(await readdir(cache), [path.basename(first)], 'no temp or lock left behind')
})

t.test('a changed recipe makes a new file beside the old one', async (t) => {
  const cache = await tempCache(t)
  const a = await ensureClip(tiny, cache)
  const b = await ensureClip({ ...tiny, frameRate: 25 }, cache)
  t.not(a, b)
  t.not(cachedClipName(tiny), cachedClipName({ ...tiny, width: 480 }))
  t.equal((await ffprobe(b)).frameRate, 25)
  t.equal((await ffprobe(a)).frameRate, 30)
})

t.test('processes asking for the same clip at once end with one complete file', async (t) => {
  const cache = await tempCache(t)
  const child = fileURLToPath(new URL('./make-clip.ts', import.meta.url))
  const recipe = { ...tiny, durationSec: 3 }
  const outs = await Promise.all(
    [1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', child, cache, JSON.stringify(recipe)])),
  )
  const seen = outs.map((o) => JSON.parse(o.stdout) as { file: string; size: number })
  const file = seen[0]!.file
  t.same(
    seen.map((s) => s.file),
    [file, file, file],
    'every process got the same path',
  )
  const { size } = await stat(file)
  t.same(
    seen.map((s) => s.size),
    [size, size, size],
    'each saw the whole file when ensureClip returned',
  )
  t.same(await readdir(cache), [cachedClipName(recipe)], 'one file, no temp or lock left behind')
  const probe = await ffprobe(file)
  t.match(probe, { format: /mp4/, video: 'h264', audio: 'aac' })
  t.ok(Math.abs(probe.durationSec! - 3) < 0.1, `duration ${probe.durationSec} s`)
})

t.test('a clip outside its size bounds is refused and not cached', async (t) => {
  const cache = await tempCache(t)
  const recipe = { ...tiny, sizeBytes: { min: 50 * MIB, max: 60 * MIB } }
  await t.rejects(ensureClip(recipe, cache), { message: /tiny\.mp4 came out \d+ bytes; its recipe promises/ })
  t.same(await readdir(cache), [], 'nothing under the final name')
})
