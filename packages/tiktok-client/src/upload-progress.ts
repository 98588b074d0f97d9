import type { ChunkPlan } from './chunk-plan.js'

/**
 * Index of the chunk that starts at byte `bytesHeld` (a byte count the server holds), or
 * `plan.chunks.length` when it holds the whole file; `undefined` when `bytesHeld` is not a chunk
 * boundary.
 */
export function chunkIndexAt(bytesHeld: number, plan: ChunkPlan): number | undefined {
  if (bytesHeld === plan.videoSize) return plan.chunks.length
  const i = plan.chunks.findIndex((c) => c.firstByte === bytesHeld)
  return i >= 0 ? i : undefined
}

/**
 * Reads the upload host's progress header (`Content-Range: bytes 0-{N}/{total}`, docs/tiktok-api.md
 * §3.5) and returns the index of the chunk to send next (`chunks.length` when everything is
 * there), or `undefined` when there is no header or it cannot be placed on a chunk boundary.
 *
 * The docs write `{UPLOADED_BYTES}` for `N` while HTTP ranges are inclusive, so both readings
 * are accepted: `N` as the last byte held (next byte `N+1`, tried first) and `N` as a byte
 * count (next byte `N`). They cannot both hit a boundary, because the server holds whole chunks
 * and every chunk is longer than one byte. `bytes *\/{total}` (unsatisfied range) means nothing
 * is held yet: chunk 0.
 */
export function resumeIndex(contentRange: string | undefined, plan: ChunkPlan): number | undefined {
  if (contentRange === undefined) return undefined
  const header = contentRange.trim()
  if (/^bytes \*\/\d+$/.test(header)) return 0
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header)
  if (!m || Number(m[1]) !== 0) return undefined
  const n = Number(m[2])
  return chunkIndexAt(n + 1, plan) ?? chunkIndexAt(n, plan)
}
