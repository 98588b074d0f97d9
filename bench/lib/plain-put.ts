import { createReadStream } from 'node:fs'
import type { ChunkPlan } from '@social-bridge/tiktok-client'
import { request } from 'undici'

/**
 * The benchmarks' baseline upload (docs/tiktok-api.md §3.5): each chunk of `file` sent with one plain
 * undici PUT and its `Content-Range`, in order, with no retries, no progress tracking and no
 * resume — what the tiktok-client upload is measured against.
 * @throws Error when a chunk is not answered 206 (201 for the last).
 */
export async function putChunksPlain(uploadUrl: string, plan: ChunkPlan, file: string): Promise<void> {
  for (const chunk of plan.chunks) {
    const res = await request(uploadUrl, {
      method: 'PUT',
      headers: {
        'content-type': 'video/mp4',
        'content-length': String(chunk.size),
        'content-range': `bytes ${chunk.firstByte}-${chunk.lastByte}/${plan.videoSize}`,
      },
      body: createReadStream(file, { start: chunk.firstByte, end: chunk.lastByte }),
    })
    await res.body.dump()
    const expected = chunk.index === plan.chunks.length - 1 ? 201 : 206
    if (res.statusCode !== expected)
      throw new Error(`plain PUT of chunk ${chunk.index} got ${res.statusCode}`)
  }
}
