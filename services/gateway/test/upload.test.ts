import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { MAX_MEDIA_BYTES } from '@social-bridge/contracts'
import Fastify, { type FastifyRequest } from 'fastify'
import t from 'tap'
import { request } from 'undici'
import { checkUploadLength } from '../src/routes/v1/upload-length.js'
import { auth, build, crmToken } from './helper.js'

const video = { 'content-type': 'video/mp4' }

t.test('an upload declared larger than 4 GiB gets 413 and nothing reaches publish-service', async (t) => {
  const { app, upstreams } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/media',
    headers: { ...auth(await crmToken()), ...video, 'content-length': String(MAX_MEDIA_BYTES + 1) },
    payload: Buffer.alloc(16),
  })
  t.equal(res.statusCode, 413)
  t.equal(res.json().error.code, 'PAYLOAD_TOO_LARGE')
  t.same(res.json().error.details, { declaredBytes: MAX_MEDIA_BYTES + 1, maxBytes: MAX_MEDIA_BYTES })
  t.ok(res.json().requestId)
  t.equal(upstreams.publish.seen.length, 0)
})

t.test('exactly 4 GiB declared is within the cap; one byte more is not', async (t) => {
  const declaring = (bytes: number) => ({ headers: { 'content-length': String(bytes) } }) as FastifyRequest
  await t.resolves(checkUploadLength(declaring(MAX_MEDIA_BYTES)))
  await t.rejects(checkUploadLength(declaring(MAX_MEDIA_BYTES + 1)), { code: 'PAYLOAD_TOO_LARGE' })
})

t.test('an upload without Content-Length gets 411 and nothing reaches publish-service', async (t) => {
  const { app, upstreams } = await build(t)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/media',
    headers: { ...auth(await crmToken()), ...video },
    payload: Readable.from([Buffer.alloc(1024)]),
  })
  t.equal(res.statusCode, 411)
  t.equal(res.json().error.code, 'LENGTH_REQUIRED')
  t.equal(upstreams.publish.seen.length, 0)
})

t.test('the size is checked only for callers allowed to upload', async (t) => {
  const { app } = await build(t)
  const oversized = { ...video, 'content-length': String(MAX_MEDIA_BYTES + 1) }
  const anonymous = await app.inject({ method: 'POST', url: '/v1/media', headers: oversized, payload: '' })
  t.equal(anonymous.statusCode, 401)
  const sales = auth(await crmToken({ roles: ['sales'] }))
  const forbidden = await app.inject({
    method: 'POST',
    url: '/v1/media',
    headers: { ...sales, ...oversized },
    payload: '',
  })
  t.equal(forbidden.statusCode, 403)
})

t.test('publish-service receives the first bytes while the client still holds the rest', async (t) => {
  let received = 0
  let firstBytes: () => void = () => {}
  const arrived = new Promise<boolean>((resolve) => {
    firstBytes = () => resolve(true)
  })
  const publish = Fastify()
  publish.addContentTypeParser('video/mp4', (_request, payload, done) => done(null, payload))
  publish.post('/media', async (req) => {
    for await (const chunk of req.body as AsyncIterable<Buffer>) {
      received += chunk.length
      firstBytes()
    }
    return { received }
  })
  const publishUrl = await publish.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => publish.close())
  const { app } = await build(t, { PUBLISH_SERVICE_URL: publishUrl })
  const gateway = await app.listen({ host: '127.0.0.1', port: 0 })

  const head = randomBytes(512 * 1024)
  const tail = randomBytes(512 * 1024)
  let streamed = false
  async function* body() {
    yield head
    // A buffering gateway would forward nothing until the tail is sent: the deadline below only
    // stops such a gateway from hanging the test; it is not a speed requirement.
    streamed = await Promise.race([arrived, sleep(20_000, false, { ref: false })])
    yield tail
  }
  const res = await request(`${gateway}/v1/media`, {
    method: 'POST',
    headers: {
      ...auth(await crmToken()),
      ...video,
      'content-length': String(head.length + tail.length),
    },
    body: Readable.from(body()),
  })
  t.equal(res.statusCode, 200)
  t.same(await res.body.json(), { received: head.length + tail.length })
  t.ok(streamed, 'upstream bytes arrived before the client sent the tail')
})
