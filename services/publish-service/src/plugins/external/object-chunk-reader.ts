import type { JetStreamManager } from '@nats-io/jetstream'

/** An object's chunk messages by stream sequence, as {@link putObject} reports them. Sizes in bytes. */
export interface ChunkLayout {
  /** The bucket's stream, `OBJ_<bucket>`. */
  stream: string
  /** Bytes per chunk message (every chunk but the last is exactly this long). */
  chunkBytes: number
  /** The stream sequence of each chunk message, in object order. */
  chunkSeqs: number[]
  size: number
}

/** Chunks kept (fetched or being fetched): the one read, the one before, the one ahead. */
const CACHED_CHUNKS = 3

/**
 * Random reads of an object whose chunk sequences are known (one just stored): each chunk is one
 * JetStream direct get by sequence. MediaInfo reads mostly forward in small pieces, so the chunk
 * after the one read is fetched ahead, and the last {@link CACHED_CHUNKS} are kept.
 * @returns `read(length, offset)`: up to `length` bytes from `offset` (fewer only at the end).
 * @throws (from `read`) when a chunk message is missing or shorter than the layout says.
 */
export function createChunkReader(
  jsm: JetStreamManager,
  layout: ChunkLayout,
): (length: number, offset: number) => Promise<Uint8Array> {
  const cache = new Map<number, Promise<Uint8Array>>()
  const fetch = (index: number): Promise<Uint8Array> => {
    const hit = cache.get(index)
    if (hit) return hit
    const seq = layout.chunkSeqs[index]
    // a direct get (object-store streams allow it) answers the raw bytes, not base64 in JSON
    const data = (
      seq === undefined ? Promise.resolve(null) : jsm.direct.getMessage(layout.stream, { seq })
    ).then((msg) => {
      if (!msg) throw new Error(`chunk ${index} of the object is missing`)
      return msg.data
    })
    data.catch(() => cache.delete(index)) // a failed get is not kept; its reader sees the error
    cache.set(index, data)
    if (cache.size > CACHED_CHUNKS) cache.delete(cache.keys().next().value as number)
    return data
  }
  const chunk = (index: number): Promise<Uint8Array> => {
    const data = fetch(index)
    if (index + 1 < layout.chunkSeqs.length) fetch(index + 1).catch(() => undefined) // ahead
    return data
  }
  return async (length, offset) => {
    const end = Math.min(layout.size, offset + length)
    if (end <= offset) return new Uint8Array(0)
    const out = new Uint8Array(end - offset)
    for (let pos = offset; pos < end; ) {
      const index = Math.floor(pos / layout.chunkBytes)
      const data = await chunk(index)
      const from = pos - index * layout.chunkBytes
      const n = Math.min(data.length - from, end - pos)
      if (n <= 0) throw new Error(`chunk ${index} of the object is shorter than expected`)
      out.set(data.subarray(from, from + n), pos - offset)
      pos += n
    }
    return out
  }
}
