import { Readable } from 'node:stream'
import t from 'tap'
import { buildPlan, createTikTokClient, resumeIndex, TikTokUploadError } from '../src/index.js'
import { type StubRequest, stubServer } from './helpers/stub-server.js'

t.test(
  'chunk PUTs carry Content-Range, Content-Length and the video type, no Authorization, the URL verbatim',
  async (t) => {
    const stub = await stubServer(t, (req: StubRequest, res) => {
      const last = req.headers['content-range']?.endsWith('-14/15')
      res.writeHead(last ? 201 : 206).end()
    })
    const client = createTikTokClient({ clientKey: 'ck', clientSecret: 'cs' })
    t.teardown(() => client.close())
    const uploadUrl = `${stub.url}/video/?upload_id=67890&upload_token=Xza123~*`
    const data = Buffer.from('abcdefghijklmno')
    await client.transfer.uploadVideo({
      uploadUrl,
      chunkPlan: buildPlan(15, 5, 3),
      contentType: 'video/webm',
      source: (first, last) => Readable.from([data.subarray(first, last + 1)]),
    })
    t.same(
      stub.requests.map((r) => [
        r.method,
        r.url,
        r.headers['content-range'],
        r.headers['content-length'],
        r.body,
      ]),
      [
        ['PUT', '/video/?upload_id=67890&upload_token=Xza123~*', 'bytes 0-4/15', '5', 'abcde'],
        ['PUT', '/video/?upload_id=67890&upload_token=Xza123~*', 'bytes 5-9/15', '5', 'fghij'],
        ['PUT', '/video/?upload_id=67890&upload_token=Xza123~*', 'bytes 10-14/15', '5', 'klmno'],
      ],
    )
    t.ok(stub.requests.every((r) => r.headers['content-type'] === 'video/webm'))
    t.ok(stub.requests.every((r) => r.headers.authorization === undefined))
  },
)

t.test('a last chunk answered 206 instead of 201 is an upload error', async (t) => {
  const stub = await stubServer(t, (_req, res) => res.writeHead(206).end())
  const client = createTikTokClient({ clientKey: 'ck', clientSecret: 'cs' })
  t.teardown(() => client.close())
  await t.rejects(
    client.transfer.uploadVideo({
      uploadUrl: `${stub.url}/u`,
      chunkPlan: buildPlan(10, 10, 1),
      source: () => Readable.from([Buffer.alloc(10)]),
    }),
    TikTokUploadError,
  )
})

t.test('an HTTP 200 to a chunk PUT is not taken as completion (§3.5 lists 206 and 201)', async (t) => {
  const stub = await stubServer(t, (_req, res) => res.writeHead(200).end())
  const client = createTikTokClient({ clientKey: 'ck', clientSecret: 'cs' })
  t.teardown(() => client.close())
  const acks: number[] = []
  const err = await client.transfer
    .uploadVideo({
      uploadUrl: `${stub.url}/u?upload_token=tok123456`,
      chunkPlan: buildPlan(10, 10, 1),
      source: () => Readable.from([Buffer.alloc(10)]),
      onChunkAcknowledged: (a) => {
        acks.push(a.chunkIndex)
      },
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    )
  t.ok(err instanceof TikTokUploadError)
  t.match(err, { httpStatus: 200, category: 'permanent', uploadedBytes: 0 })
  t.notOk(String((err as Error).message).includes('tok123456'))
  t.same(acks, [], 'the chunk is not reported as acknowledged')
})

t.test('the progress Content-Range maps to the next chunk, in both readings', async (t) => {
  const plan = buildPlan(50_000_123, 10_000_000, 5)
  t.equal(resumeIndex('bytes 0-19999999/50000123', plan), 2, 'inclusive last byte')
  t.equal(resumeIndex('bytes 0-20000000/50000123', plan), 2, 'byte count')
  t.equal(resumeIndex('bytes */50000123', plan), 0)
  t.equal(resumeIndex(undefined, plan), undefined, 'no header: progress unknown, not chunk 0')
  t.equal(resumeIndex('bytes 0-0/50000123', plan), 0, 'byte count: nothing held yet')
  t.equal(resumeIndex('bytes 0-50000122/50000123', plan), 5, 'everything is there')
  t.equal(resumeIndex('bytes 0-1234/50000123', plan), undefined, 'not on a chunk boundary')
  t.equal(resumeIndex('garbage', plan), undefined)
})
