/**
 * Sample videos made by the repository itself: ffmpeg encodes each clip from a recipe on first
 * use and keeps it in a git-ignored cache (`<repo>/.cache/test-media/`, or `TEST_MEDIA_CACHE_DIR`).
 * A file's name carries a hash of the exact ffmpeg command, so a changed recipe makes a new file
 * and never reuses an old one. Test files run in parallel processes: one process encodes a clip
 * while the others wait on its lock, and every file appears under its final name in one rename.
 */
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { copyFile, link, mkdir, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import lockfile from 'proper-lockfile'

/** How one sample clip is encoded. Seconds, pixels, frames per second, kbit/s, bytes. */
export interface ClipRecipe {
  /** The name tests, the sandbox's verified URL prefix and the stack know the clip by. */
  name: string
  /** `mp4`: H.264 video + AAC audio; `webm`: VP9 video + Opus audio. */
  container: 'mp4' | 'webm'
  durationSec: number
  width: number
  height: number
  frameRate: number
  /** Target video bitrate; H.264 is encoded at constant bitrate with filler, so the size follows it. */
  videoKbps: number
  audioKbps: number
  /** MP4 only: the `moov` box before `mdat` (true) or after it (false). */
  faststart?: boolean
  /** Bounds (inclusive) the file's size must fall within; checked after encoding. */
  sizeBytes?: { min: number; max: number }
}

const MIB = 1024 * 1024

/**
 * The sample clips of the tests, benchmarks, e2e and demo, each vertical 540×960 at 30 fps with
 * a moving test pattern and a tone. Sizes are what tests rely on:
 * - `clip-15s-vertical.mp4` (~3.9 MB, `moov` first): above 2 MB, so cutting it at 1 MB or 2 MB
 *   leaves a truncated video, and below 5 MiB, so it goes as one chunk.
 * - `clip-40s-vertical.mp4` (~25.7 MB, `moov` last): 4 chunks both at 5 MiB and at 6 MiB
 *   (floor(size / chunk) = 4, docs/tiktok-api.md §3.5), and longer than 30 s.
 * - `clip-8s-vertical.webm` (~0.7 MB): the smallest, under 1 MiB.
 */
export const SAMPLE_CLIPS = {
  'clip-15s-vertical.mp4': {
    name: 'clip-15s-vertical.mp4',
    container: 'mp4',
    durationSec: 15,
    width: 540,
    height: 960,
    frameRate: 30,
    videoKbps: 2000,
    audioKbps: 64,
    faststart: true,
    sizeBytes: { min: 2_000_001, max: 5 * MIB - 1 },
  },
  'clip-40s-vertical.mp4': {
    name: 'clip-40s-vertical.mp4',
    container: 'mp4',
    durationSec: 40,
    width: 540,
    height: 960,
    frameRate: 30,
    videoKbps: 5050,
    audioKbps: 64,
    faststart: false,
    sizeBytes: { min: 4 * 6 * MIB, max: 5 * 5 * MIB - 1 },
  },
  'clip-8s-vertical.webm': {
    name: 'clip-8s-vertical.webm',
    container: 'webm',
    durationSec: 8,
    width: 540,
    height: 960,
    frameRate: 30,
    videoKbps: 600,
    audioKbps: 48,
    sizeBytes: { min: 1, max: MIB - 1 },
  },
} as const satisfies Record<string, ClipRecipe>

/** Name of a clip of {@link SAMPLE_CLIPS}. */
export type SampleClipName = keyof typeof SAMPLE_CLIPS

/** Where clips are cached unless told otherwise: `TEST_MEDIA_CACHE_DIR`, else `<repo>/.cache/test-media`. */
export function defaultMediaCacheDir(): string {
  const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url))
  return process.env.TEST_MEDIA_CACHE_DIR ?? path.join(repoRoot, '.cache', 'test-media')
}

/** The ffmpeg arguments that encode `recipe` into `out` (format given explicitly: `out` may be a temp name). */
export function ffmpegArgs(recipe: ClipRecipe, out: string): string[] {
  const { durationSec: d, width, height, frameRate, videoKbps: v, audioKbps } = recipe
  const input = [
    ...['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${frameRate}:duration=${d}`],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${d}`],
    ...['-map', '0:v', '-map', '1:a', '-t', String(d), '-pix_fmt', 'yuv420p', '-ac', '1'],
  ]
  const codecs =
    recipe.container === 'mp4'
      ? [
          // Constant bitrate with HRD filler: the size is bitrate × duration whatever the picture.
          ...['-c:v', 'libx264', '-preset', 'ultrafast', '-x264-params', 'nal-hrd=cbr'],
          ...['-b:v', `${v}k`, '-minrate', `${v}k`, '-maxrate', `${v}k`, '-bufsize', `${Math.round(v / 2)}k`],
          ...['-c:a', 'aac', '-ar', '44100', '-b:a', `${audioKbps}k`],
          ...(recipe.faststart ? ['-movflags', '+faststart'] : []),
          ...['-f', 'mp4'],
        ]
      : [
          ...['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1'],
          ...['-b:v', `${v}k`, '-c:a', 'libopus', '-b:a', `${audioKbps}k`, '-f', 'webm'],
        ]
  return ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...input, ...codecs, out]
}

/** `clip-15s-vertical.mp4` → `clip-15s-vertical.<12 hex of the command's SHA-256>.mp4`. */
export function cachedClipName(recipe: ClipRecipe): string {
  const key = createHash('sha256')
    .update(JSON.stringify(ffmpegArgs(recipe, 'OUT')))
    .digest('hex')
    .slice(0, 12)
  const ext = path.extname(recipe.name)
  return `${path.basename(recipe.name, ext)}.${key}${ext}`
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  )

/** Clips being made by this process, by cached path: concurrent callers share one encoding. */
const pending = new Map<string, Promise<string>>()

/**
 * The absolute path of the clip `recipe` describes, encoding it with ffmpeg first when the cache
 * (`cacheDir`, default {@link defaultMediaCacheDir}) does not hold it. Takes about a second per
 * 10 s of video on one core. Rejects when ffmpeg is missing or fails (its stderr in the message)
 * or when the file's size falls outside `recipe.sizeBytes`; nothing is left under the final name then.
 */
export function ensureClip(recipe: ClipRecipe, cacheDir = defaultMediaCacheDir()): Promise<string> {
  const file = path.join(cacheDir, cachedClipName(recipe))
  let p = pending.get(file)
  if (!p) {
    p = makeOnce(recipe, file).finally(() => pending.delete(file))
    pending.set(file, p)
  }
  return p
}

async function makeOnce(recipe: ClipRecipe, file: string): Promise<string> {
  if (await exists(file)) return file
  await mkdir(path.dirname(file), { recursive: true })
  // The lock (a `<file>.lock` folder) is refreshed while ffmpeg runs and taken over once stale
  // (its holder died); a compromised lock is harmless since the file only appears by rename.
  const release = await lockfile.lock(file, {
    realpath: false,
    stale: 20_000,
    update: 5_000,
    retries: { retries: 1200, factor: 1, minTimeout: 100, maxTimeout: 100 },
    onCompromised: () => {},
  })
  try {
    if (await exists(file)) return file
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    try {
      await encode(recipe, tmp)
      await rename(tmp, file)
    } finally {
      await rm(tmp, { force: true })
    }
    return file
  } finally {
    await release().catch(() => {})
  }
}

async function encode(recipe: ClipRecipe, out: string): Promise<void> {
  try {
    await promisify(execFile)('ffmpeg', ffmpegArgs(recipe, out), { maxBuffer: 4 * MIB })
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string }
    const why =
      e.code === 'ENOENT' ? 'ffmpeg is not installed (bash scripts/ensure-tools.sh)' : e.stderr || e.message
    throw new Error(`encoding sample clip ${recipe.name} failed: ${why}`)
  }
  const { size } = await stat(out)
  const bounds = recipe.sizeBytes
  if (bounds && (size < bounds.min || size > bounds.max)) {
    throw new Error(
      `sample clip ${recipe.name} came out ${size} bytes; its recipe promises ${bounds.min}–${bounds.max} (adjust videoKbps)`,
    )
  }
}

/** The absolute path of the sample clip `name` (see {@link SAMPLE_CLIPS}), made on first use. */
export function sampleClip(name: SampleClipName, cacheDir = defaultMediaCacheDir()): Promise<string> {
  return ensureClip(SAMPLE_CLIPS[name], cacheDir)
}

/**
 * A folder holding every clip of {@link SAMPLE_CLIPS} under its plain name (e.g.
 * `clip-15s-vertical.mp4`), for a local origin that serves the sandbox's verified URL prefix
 * (PULL_FROM_URL) or the stack's media server. Hard links to the cached files (copies where
 * links fail), in `<cacheDir>/set.<hash of the cached names>/`, so a changed recipe gets a new folder.
 */
export async function sampleMediaDir(cacheDir = defaultMediaCacheDir()): Promise<string> {
  const recipes: ClipRecipe[] = Object.values(SAMPLE_CLIPS)
  const files = await Promise.all(recipes.map((r) => ensureClip(r, cacheDir)))
  const key = createHash('sha256')
    .update(files.map((f) => path.basename(f)).join('\n'))
    .digest('hex')
    .slice(0, 12)
  const dir = path.join(cacheDir, `set.${key}`)
  await mkdir(dir, { recursive: true })
  for (const [i, recipe] of recipes.entries()) {
    const target = path.join(dir, recipe.name)
    if (await exists(target)) continue
    const source = files[i]!
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    await link(source, tmp).catch(() => copyFile(source, tmp))
    await rename(tmp, target)
  }
  return dir
}
