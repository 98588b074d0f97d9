import { createReadStream, createWriteStream, existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, rename } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * Builds (or reuses, in `$TMPDIR/social-bridge-bench`) a file of exactly `size` bytes by
 * repeating `clip`'s bytes: a large "video" for upload benchmarks (TikTok's processing would
 * reject it; throughput and memory are what is measured).
 */
export async function ensureVideo(clip: string, size: number): Promise<string> {
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
