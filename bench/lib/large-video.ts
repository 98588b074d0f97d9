import { createReadStream, createWriteStream, existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, rename } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * Builds (or reuses, in `$TMPDIR/social-bridge-bench`) a file of exactly `size` bytes by
 * repeating `clip`'s bytes: a large "video" for upload benchmarks (TikTok's processing would
 * reject it; throughput and memory are what is measured). The file starts with the whole clip,
 * so it is still a readable video to a probe of its first copy.
 *
 * @throws Error when `size` (bytes) is below the clip's size: a cut clip loses its index and is
 *   no video (the intake answers 422 MEDIA_NOT_VIDEO), so nothing would be measured.
 */
export async function ensureVideo(clip: string, size: number): Promise<string> {
  const clipBytes = statSync(clip).size
  if (size < clipBytes) {
    throw new Error(`a benchmark video must be at least the clip's ${clipBytes} bytes (asked for ${size})`)
  }
  const dir = path.join(tmpdir(), 'social-bridge-bench')
  await mkdir(dir, { recursive: true })
  const file = path.join(dir, `upload-${size}.mp4`)
  if (existsSync(file) && statSync(file).size === size) return file
  const bytes = readFileSync(clip)
  const partial = `${file}.partial`
  const out = createWriteStream(partial)
  let written = 0
  while (written < size) {
    const piece = bytes.subarray(0, Math.min(bytes.length, size - written))
    written += piece.length
    if (!out.write(piece)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  )
  await rename(partial, file)
  return file
}

/**
 * Reads `file` once from start to end and discards the bytes, so the page cache holds it before
 * anything is measured and neither side of a comparison pays the cold-disk read alone.
 * @returns the bytes read.
 */
export async function warmPageCache(file: string): Promise<number> {
  let bytes = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) {
    bytes += (chunk as Buffer).length
  }
  return bytes
}
