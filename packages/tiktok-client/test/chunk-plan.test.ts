import t from 'tap'
import { MAX_CHUNK_COUNT, MIB, planChunks, TikTokInvalidArgumentError } from '../src/index.js'

t.test(
  '50,000,123 bytes in 10,000,000-byte chunks makes 5 chunks with a 10,000,123-byte last chunk',
  async (t) => {
    const plan = planChunks(50_000_123, 10_000_000)
    t.equal(plan.chunkSize, 10_000_000)
    t.equal(plan.totalChunkCount, 5)
    t.equal(plan.chunks.length, 5)
    t.same(plan.chunks[0], { index: 0, firstByte: 0, lastByte: 9_999_999, size: 10_000_000 })
    t.same(plan.chunks[4], { index: 4, firstByte: 40_000_000, lastByte: 50_000_122, size: 10_000_123 })
  },
)

t.test('chunks cover every byte once, in order', async (t) => {
  const plan = planChunks(26_001_955, 5 * MIB)
  let next = 0
  for (const c of plan.chunks) {
    t.equal(c.firstByte, next)
    t.equal(c.size, c.lastByte - c.firstByte + 1)
    next = c.lastByte + 1
  }
  t.equal(next, 26_001_955)
  t.equal(plan.totalChunkCount, Math.floor(26_001_955 / (5 * MIB)))
})

t.test('a file under 5 MiB is one chunk with chunk_size equal to video_size', async (t) => {
  const plan = planChunks(4_052_217, 10_000_000)
  t.equal(plan.totalChunkCount, 1)
  t.equal(plan.chunkSize, 4_052_217)
  t.same(plan.chunks, [{ index: 0, firstByte: 0, lastByte: 4_052_216, size: 4_052_217 }])
})

t.test('a file that floors to one chunk is sent whole with chunk_size equal to video_size', async (t) => {
  const plan = planChunks(15_000_000, 10_000_000)
  t.equal(plan.totalChunkCount, 1)
  t.equal(plan.chunkSize, 15_000_000)
})

t.test(
  'a file over 64 MiB that would floor to one chunk is split in two chunks of at most 64 MiB',
  async (t) => {
    const size = 100 * MIB + 7
    const plan = planChunks(size, 64 * MIB)
    t.equal(plan.totalChunkCount, 2)
    t.ok(plan.chunks.every((c) => c.size <= 64 * MIB))
    t.equal(plan.chunks.at(-1)?.lastByte, size - 1)
  },
)

t.test('a file of exactly 64 MiB is one chunk; one byte more is two (docs/tiktok-api.md §3.5)', async (t) => {
  for (const preferred of [64 * MIB, 40 * MIB]) {
    const exact = planChunks(64 * MIB, preferred)
    t.equal(exact.totalChunkCount, 1, `64 MiB with ${preferred / MIB} MiB chunks`)
    t.equal(exact.chunkSize, 64 * MIB, 'chunk_size equals video_size')
    t.same(exact.chunks, [{ index: 0, firstByte: 0, lastByte: 64 * MIB - 1, size: 64 * MIB }])

    const below = planChunks(64 * MIB - 1, preferred)
    t.equal(below.totalChunkCount, 1, `64 MiB - 1 with ${preferred / MIB} MiB chunks`)
    t.equal(below.chunkSize, 64 * MIB - 1)

    const above = planChunks(64 * MIB + 1, preferred)
    t.equal(above.totalChunkCount, 2, `64 MiB + 1 with ${preferred / MIB} MiB chunks must be chunked`)
    t.equal(above.totalChunkCount, Math.floor(above.videoSize / above.chunkSize), 'floor rule')
    t.ok(
      above.chunks.every((c) => c.size <= 64 * MIB),
      'no chunk over 64 MiB',
    )
    t.equal(above.chunks.at(-1)?.lastByte, 64 * MIB)
  }
})

t.test('the last chunk never exceeds 128 MiB with 64 MiB chunks', async (t) => {
  const size = 64 * MIB * 10 + 64 * MIB - 1
  const plan = planChunks(size, 64 * MIB)
  t.equal(plan.totalChunkCount, 10)
  t.ok((plan.chunks.at(-1)?.size ?? 0) < 128 * MIB)
})

t.test('more than 1000 chunks grows the chunk size so the count fits', async (t) => {
  const size = 6_000_000_000
  const plan = planChunks(size, 5 * MIB)
  t.ok(plan.totalChunkCount <= MAX_CHUNK_COUNT)
  t.equal(plan.totalChunkCount, Math.floor(size / plan.chunkSize))
  t.ok(plan.chunkSize >= 5 * MIB && plan.chunkSize <= 64 * MIB)
})

t.test('invalid sizes are rejected', async (t) => {
  t.throws(() => planChunks(0), TikTokInvalidArgumentError)
  t.throws(() => planChunks(1.5), TikTokInvalidArgumentError)
  t.throws(() => planChunks(50_000_000, 4 * MIB), TikTokInvalidArgumentError)
  t.throws(() => planChunks(50_000_000, 65 * MIB), TikTokInvalidArgumentError)
  t.throws(() => planChunks(1001 * 64 * MIB + 64 * MIB, 64 * MIB), TikTokInvalidArgumentError)
})
