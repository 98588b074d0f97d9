import { TikTokInvalidArgumentError } from './errors.js'

/** 1 MiB in bytes. TikTok's "MB" in the chunk rules means MiB in client code (docs/tiktok-api.md §3.5). */
export const MIB = 1024 * 1024
/** Smallest chunk, and the size below which a file goes as one chunk: 5 MiB. */
export const MIN_CHUNK_SIZE = 5 * MIB
/** Largest regular chunk, and the largest single-chunk file: 64 MiB. */
export const MAX_CHUNK_SIZE = 64 * MIB
/** Largest final chunk (it absorbs the remainder): 128 MiB. */
export const MAX_LAST_CHUNK_SIZE = 128 * MIB
/** Most chunks per upload. */
export const MAX_CHUNK_COUNT = 1000
/** Default preferred chunk size: 10 MB, as in TikTok's example. */
export const DEFAULT_CHUNK_SIZE = 10_000_000

/** One chunk's inclusive, 0-based byte range: `Content-Range: bytes firstByte-lastByte/videoSize`. */
export interface Chunk {
  /** 0-based position in the upload. */
  index: number
  firstByte: number
  lastByte: number
  /** `lastByte - firstByte + 1`, in bytes. */
  size: number
}

/** What `source_info` declares and what the PUTs then send (§3.2, §3.5). All sizes in bytes. */
export interface ChunkPlan {
  /** `video_size`. */
  videoSize: number
  /** `chunk_size`: equals `videoSize` for a single chunk. */
  chunkSize: number
  /** `total_chunk_count` = floor(videoSize / chunkSize). */
  totalChunkCount: number
  chunks: Chunk[]
}

/**
 * Plans a FILE_UPLOAD by TikTok's **floor** rule (§3.5):
 * - `total_chunk_count = floor(video_size / chunk_size)`; the remainder is merged into the last
 *   chunk (so it is `chunk_size` to `2 × chunk_size − 1` bytes, ≤ 128 MiB);
 * - a file under 5 MiB, or one that makes a single chunk, is sent whole with
 *   `chunk_size == video_size` (only possible up to 64 MiB; bigger files that would make one chunk
 *   are split in two);
 * - more than 1000 chunks → the chunk size grows until the count fits.
 *
 * Example: 50,000,123 bytes with 10,000,000 → 5 chunks, the last one 10,000,123 bytes.
 *
 * @param videoSize file size in bytes (positive integer)
 * @param preferredChunkSize wanted chunk size in bytes, 5 MiB–64 MiB (default 10,000,000)
 * @throws TikTokInvalidArgumentError for a non-positive size, a preferred size outside 5–64 MiB, or a
 *   file too large for 1000 chunks of 64 MiB.
 */
export function planChunks(videoSize: number, preferredChunkSize: number = DEFAULT_CHUNK_SIZE): ChunkPlan {
  if (!Number.isSafeInteger(videoSize) || videoSize <= 0) {
    throw new TikTokInvalidArgumentError('video_size must be a positive integer number of bytes')
  }
  if (
    !Number.isSafeInteger(preferredChunkSize) ||
    preferredChunkSize < MIN_CHUNK_SIZE ||
    preferredChunkSize > MAX_CHUNK_SIZE
  ) {
    throw new TikTokInvalidArgumentError(
      `chunk size must be from ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE} bytes`,
    )
  }
  if (videoSize < MIN_CHUNK_SIZE) return singleChunk(videoSize)
  let chunkSize = preferredChunkSize
  if (Math.floor(videoSize / chunkSize) > MAX_CHUNK_COUNT) chunkSize = Math.ceil(videoSize / MAX_CHUNK_COUNT)
  // Rounding up can still leave one too many chunks when the division is exact; bump until it fits.
  while (Math.floor(videoSize / chunkSize) > MAX_CHUNK_COUNT) chunkSize++
  if (chunkSize > MAX_CHUNK_SIZE) {
    throw new TikTokInvalidArgumentError(
      `video of ${videoSize} bytes needs more than ${MAX_CHUNK_COUNT} chunks of 64 MiB`,
    )
  }
  const count = Math.floor(videoSize / chunkSize)
  if (count <= 1) {
    if (videoSize <= MAX_CHUNK_SIZE) return singleChunk(videoSize)
    chunkSize = Math.floor(videoSize / 2)
  }
  return buildPlan(videoSize, chunkSize, Math.floor(videoSize / chunkSize))
}

/** The plan for `videoSize` bytes in exactly the given `chunkSize`/`totalChunkCount`, unchecked. */
export function buildPlan(videoSize: number, chunkSize: number, totalChunkCount: number): ChunkPlan {
  const chunks: Chunk[] = []
  for (let index = 0; index < totalChunkCount; index++) {
    const firstByte = index * chunkSize
    const lastByte = index === totalChunkCount - 1 ? videoSize - 1 : firstByte + chunkSize - 1
    chunks.push({ index, firstByte, lastByte, size: lastByte - firstByte + 1 })
  }
  return { videoSize, chunkSize, totalChunkCount, chunks }
}

function singleChunk(videoSize: number): ChunkPlan {
  return buildPlan(videoSize, videoSize, 1)
}
