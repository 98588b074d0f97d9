import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

/**
 * A real `width`×`height` photo in `format` (a still of ffmpeg's test pattern), for photo-post
 * tests: JPEG and WebP as TikTok takes them, PNG as it does not (docs/tiktok-api.md §3.9). Made
 * on first use into `dir` (default a folder in the OS temp dir) under `photo-<w>x<h>.<format>`.
 * @returns its absolute path. @throws when ffmpeg is missing or fails.
 */
export async function samplePhoto(
  width: number,
  height: number,
  format: 'jpg' | 'webp' | 'png',
  dir = path.join(tmpdir(), 'social-bridge-test-photos'),
): Promise<string> {
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `photo-${width}x${height}.${format}`)
  if (existsSync(file)) return file
  const tmp = `${file}.${process.pid}.${format}` // written whole, then renamed: readers never see half a file
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi']
  await promisify(execFile)('ffmpeg', [
    ...args,
    '-i',
    `testsrc=size=${width}x${height}:rate=1`,
    '-frames:v',
    '1',
    tmp,
  ])
  renameSync(tmp, file)
  return file
}
