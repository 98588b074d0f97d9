import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { Objm } from '@nats-io/obj'
import { rawHttp, SAMPLE_CLIPS } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { request } from 'undici'
import { asUser, buildStack, media, uploadMedia } from '../../helper.js'

// One stack for the file: these tests only read their own answers and objects.
const stack = await buildStack(t, { worker: false })

let listening: Promise<string> | undefined
/** The stack's URL over real HTTP (it listens from the first call on). */
const serverUrl = () => {
  listening ??= stack.app.listen({ host: '127.0.0.1', port: 0 })
  return listening
}

/** Names of the objects in the stack's media bucket. */
async function storedObjects(): Promise<string[]> {
  const os = await new Objm(stack.app.nats.js).open(stack.app.mediaStore.bucket)
  return (await os.list()).filter((o) => !o.deleted).map((o) => o.name)
}

t.test('a video is stored with its size, SHA-256 and what inspection found', async (t) => {
  const file = media('clip-8s-vertical.webm')
  const { size } = await stat(file)
  const { width, height } = SAMPLE_CLIPS['clip-8s-vertical.webm']
  const res = await uploadMedia(stack.app, file, 'video/webm')
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.match(body, {
    sizeBytes: size,
    sha256: /^[0-9a-f]{64}$/,
    contentType: 'video/webm',
    width,
    height,
    codec: /VP[89]/,
  })
  t.ok(body.durationSec > 7 && body.durationSec < 9, 'duration in seconds')
  t.ok(body.frameRate > 0, 'frame rate')
  t.ok((await storedObjects()).includes(body.id), 'the bytes are in the object store')
  t.equal(await stack.app.mediaStore.size(body.id), size)
})

t.test('a file that is not a video is refused with MEDIA_NOT_VIDEO and its bytes deleted', async (t) => {
  const before = await storedObjects()
  const payload = Buffer.from('this is a text file, not a video\n'.repeat(1000))
  const res = await stack.app.inject({
    method: 'POST',
    url: '/media',
    headers: { ...(await asUser()), 'content-type': 'video/mp4', 'content-length': String(payload.length) },
    payload,
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().error.code, 'MEDIA_NOT_VIDEO')
  t.same(await storedObjects(), before, 'nothing stays in the object store')
})

t.test('a body without Content-Length is refused with 411 LENGTH_REQUIRED', async (t) => {
  const before = await storedObjects()
  const res = await stack.app.inject({
    method: 'POST',
    url: '/media',
    headers: { ...(await asUser()), 'content-type': 'video/mp4', 'transfer-encoding': 'chunked' },
    payload: Readable.from([Buffer.alloc(1024)]),
  })
  t.equal(res.statusCode, 411)
  t.equal(res.json().error.code, 'LENGTH_REQUIRED')
  t.same(await storedObjects(), before)
})

t.test('a malformed Content-Length is refused with 400 BAD_REQUEST before the body is read', async (t) => {
  const before = await storedObjects()
  for (const contentLength of ['12abc', '-5', '1e6', '0x10']) {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/media',
      headers: { ...(await asUser()), 'content-type': 'video/mp4', 'content-length': contentLength },
      payload: Buffer.alloc(16),
    })
    t.equal(res.statusCode, 400, contentLength)
    t.equal(res.json().error.code, 'BAD_REQUEST', contentLength)
    t.match(res.json().error.message, /Content-Length/)
    t.match(res.json(), { requestId: String }, 'the shared error shape')
  }
  t.same(await storedObjects(), before)
})

t.test('a declared length over 4 GiB is refused with 413 before the body is read', async (t) => {
  const before = await storedObjects()
  const res = await stack.app.inject({
    method: 'POST',
    url: '/media',
    headers: {
      ...(await asUser()),
      'content-type': 'video/mp4',
      'content-length': String(4 * 1024 ** 3 + 1),
    },
    payload: Readable.from([Buffer.alloc(16)]),
  })
  t.equal(res.statusCode, 413)
  t.equal(res.json().error.code, 'PAYLOAD_TOO_LARGE')
  t.equal(res.json().error.details.maxBytes, 4 * 1024 ** 3)
  t.same(await storedObjects(), before)
})

t.test('another content type is refused with 415', async (t) => {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/media',
    headers: { ...(await asUser()), 'content-type': 'image/png', 'content-length': '4' },
    payload: Buffer.from('abcd'),
  })
  t.equal(res.statusCode, 415)
  t.equal(res.json().error.code, 'UNSUPPORTED_MEDIA_TYPE')
})

t.test('a request without the gateway identity is refused', async (t) => {
  const res = await stack.app.inject({
    method: 'POST',
    url: '/media',
    headers: { 'content-type': 'video/mp4', 'content-length': '4' },
    payload: Buffer.from('abcd'),
  })
  t.equal(res.statusCode, 401)
  const sales = await stack.app.inject({
    method: 'POST',
    url: '/media',
    headers: {
      ...(await asUser({ tenantId: 'tenant-a', userId: 'u', roles: ['sales'] })),
      'content-type': 'video/mp4',
      'content-length': '4',
    },
    payload: Buffer.from('abcd'),
  })
  t.equal(sales.statusCode, 403, 'a role that may not publish gets 403')
})

t.test('a video streamed over HTTP in small pieces is stored intact', async (t) => {
  const url = await serverUrl()
  const file = media('clip-40s-vertical.mp4')
  const res = await request(`${url}/media`, {
    method: 'POST',
    headers: {
      ...(await asUser()),
      'content-type': 'video/mp4',
      'content-length': String((await stat(file)).size),
    },
    body: createReadStream(file, { highWaterMark: 16 * 1024 }),
  })
  const body = (await res.body.json()) as { id: string; sha256: string; sizeBytes: number }
  t.equal(res.statusCode, 201)
  t.equal(
    body.sha256,
    createHash('sha256')
      .update(await readFile(file))
      .digest('hex'),
  )
  const os = await new Objm(stack.app.nats.js).open(stack.app.mediaStore.bucket)
  const whole = await os.getBlob(body.id)
  t.equal(
    createHash('sha256').update(whole!).digest('hex'),
    body.sha256,
    'nats.js reads the object back whole, its SHA-256 digest checked',
  )
  const reader = await stack.app.mediaStore.openRangeReader(body.id)
  t.teardown(() => reader.close())
  const tail: Buffer[] = []
  for await (const c of reader.read(body.sizeBytes - 1000, body.sizeBytes - 1)) tail.push(c as Buffer)
  t.same(
    Buffer.concat(tail),
    (await readFile(file)).subarray(-1000),
    'a byte range reads back from the store',
  )
})

t.test('an upload cut off mid-body leaves no object and no chunk messages in the store', async (t) => {
  const url = new URL(await serverUrl())
  const stream = `OBJ_${stack.app.mediaStore.bucket}`
  const messages = async () => (await stack.app.nats.jsm.streams.info(stream)).state.messages
  const before = { objects: await storedObjects(), messages: await messages() }
  const head = Object.entries({
    ...(await asUser()),
    'content-type': 'video/mp4',
    'content-length': String(8 * 1024 * 1024),
  })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  // 3 MiB of the declared 8 MiB (several object chunks), then the client goes away
  const answer = await rawHttp({
    port: Number(url.port),
    send: [`POST /media HTTP/1.1\r\nhost: ${url.host}\r\n${head}\r\n`, Buffer.alloc(3 * 1024 * 1024, 7)],
    guardMs: 500,
  })
  t.equal(answer.status, null, 'no answer to a request that never ended')
  // the service learns of the abort asynchronously: wait for the purge, bounded
  for (let i = 0; i < 100 && (await messages()) !== before.messages; i++) {
    await new Promise((r) => setTimeout(r, 50))
  }
  t.equal(await messages(), before.messages, 'the chunks stored before the abort are purged')
  t.same(await storedObjects(), before.objects)
})
