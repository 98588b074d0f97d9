/** Byte limits of docs/tiktok-api.md §3.5, read as binary megabytes (as client code does). */
export const CHUNK_LIMITS = {
  /** 5 MiB: smaller files go as one chunk; smaller chunks are invalid. */
  minChunk: 5 * 1024 * 1024,
  /** 64 MiB: largest regular chunk; larger files must be chunked. */
  maxChunk: 64 * 1024 * 1024,
  /** 128 MiB: the final chunk absorbs the remainder up to this. */
  maxFinalChunk: 128 * 1024 * 1024,
  /** 4 GiB: largest video (docs/tiktok-api.md §3.9). */
  maxVideo: 4 * 1024 * 1024 * 1024,
  maxChunks: 1000,
} as const

export const TOTAL_CHUNK_COUNT_INVALID = 'The total chunk count is invalid'
export const CHUNK_SIZE_INVALID = 'The chunk size is invalid'
export const VIDEO_SIZE_INVALID = 'The video size is invalid'

/**
 * Checks FILE_UPLOAD `source_info` chunk maths (docs/tiktok-api.md §3.5): `total_chunk_count` must be
 * FLOOR(video_size / chunk_size) (ceil is rejected); files under 5 MiB or a single chunk need
 * `chunk_size == video_size`; chunks are 5–64 MiB; the last chunk (chunk_size + remainder)
 * ≤ 128 MiB; 1–1000 chunks. Returns TikTok's message for `invalid_params`, or null when valid.
 * All sizes are bytes.
 */
export function checkChunks(videoSize: unknown, chunkSize: unknown, totalChunkCount: unknown): string | null {
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0
  if (!isCount(videoSize) || videoSize > CHUNK_LIMITS.maxVideo) return VIDEO_SIZE_INVALID
  if (!isCount(chunkSize) || chunkSize > videoSize) return CHUNK_SIZE_INVALID
  if (!isCount(totalChunkCount)) return TOTAL_CHUNK_COUNT_INVALID
  if (videoSize < CHUNK_LIMITS.minChunk) {
    if (chunkSize !== videoSize) return CHUNK_SIZE_INVALID
    return totalChunkCount === 1 ? null : TOTAL_CHUNK_COUNT_INVALID
  }
  if (chunkSize < CHUNK_LIMITS.minChunk || chunkSize > CHUNK_LIMITS.maxChunk) return CHUNK_SIZE_INVALID
  const expected = Math.floor(videoSize / chunkSize)
  if (expected === 1 && chunkSize !== videoSize) return CHUNK_SIZE_INVALID
  if (totalChunkCount !== expected || expected > CHUNK_LIMITS.maxChunks) return TOTAL_CHUNK_COUNT_INVALID
  if (videoSize - (expected - 1) * chunkSize > CHUNK_LIMITS.maxFinalChunk) return CHUNK_SIZE_INVALID
  return null
}

/** Inclusive byte range [first, last] of chunk `index` under the floor rule. */
export function chunkRange(
  videoSize: number,
  chunkSize: number,
  total: number,
  index: number,
): [number, number] {
  const first = index * chunkSize
  const last = index === total - 1 ? videoSize - 1 : first + chunkSize - 1
  return [first, last]
}
