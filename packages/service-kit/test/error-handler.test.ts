import t from 'tap'
import { Type } from 'typebox'
import { defineError, withDetails } from '../src/index.js'
import type { Teardownable } from '../src/testing/index.js'
import { build } from './helper.js'

const TitleTooLong = defineError('TITLE_TOO_LONG', 422, 'Title is %s UTF-16 units long; TikTok allows 2200')
const Down = defineError('TIKTOK_UNAVAILABLE', 503, 'TikTok did not answer; try again shortly')

async function app(t: Teardownable) {
  return build(
    t,
    (app) => {
      app.post(
        '/items',
        { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }) }) } },
        async () => ({ ok: true }),
      )
      app.get('/title', async () => {
        throw withDetails(new TitleTooLong(2300), { limit: 2200 })
      })
      app.get('/down', async () => {
        throw withDetails(new Down(), { retryAfterSec: 30 })
      })
      app.get('/bug', async () => {
        throw new Error('connection to 10.0.0.5 refused: password=hunter2')
      })
    },
    { bodyLimit: 64 },
  )
}

t.test('a schema violation answers 400 VALIDATION_FAILED with the issues', async (t) => {
  const res = await (await app(t)).inject({ method: 'POST', url: '/items', payload: { name: '' } })
  t.equal(res.statusCode, 400)
  const body = res.json()
  t.equal(body.error.code, 'VALIDATION_FAILED')
  t.ok(body.requestId)
  t.equal(body.error.details.issues[0].path, '/name')
})

// Bodies Fastify rejects before the route: each answers its status and code in the shared shape.
for (const c of [
  {
    name: 'a body that is not JSON answers 400 BAD_REQUEST',
    headers: { 'content-type': 'application/json' },
    payload: '{"name":',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'an oversized body answers 413 PAYLOAD_TOO_LARGE',
    payload: { name: 'x'.repeat(200) },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'an unsupported content type answers 415',
    headers: { 'content-type': 'application/xml' },
    payload: '<a/>',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
]) {
  t.test(c.name, async (t) => {
    const res = await (await app(t)).inject({
      method: 'POST',
      url: '/items',
      headers: c.headers,
      payload: c.payload,
    })
    t.equal(res.statusCode, c.status)
    t.equal(res.json().error.code, c.code)
  })
}

t.test('a defined error keeps its code, message, status and details', async (t) => {
  const res = await (await app(t)).inject('/title')
  t.equal(res.statusCode, 422)
  t.same(res.json().error, {
    code: 'TITLE_TOO_LONG',
    message: 'Title is 2300 UTF-16 units long; TikTok allows 2200',
    details: { limit: 2200 },
  })
})

t.test('a defined 503 keeps its message and sets Retry-After', async (t) => {
  const res = await (await app(t)).inject('/down')
  t.equal(res.statusCode, 503)
  t.equal(res.json().error.code, 'TIKTOK_UNAVAILABLE')
  t.equal(res.headers['retry-after'], '30')
})

t.test('an unexpected error answers 500 without internals', async (t) => {
  const res = await (await app(t)).inject('/bug')
  t.equal(res.statusCode, 500)
  t.same(res.json().error, { code: 'INTERNAL_ERROR', message: 'Internal server error' })
  t.notMatch(res.body, /hunter2|10\.0\.0\.5/)
})

t.test('an unknown route answers 404 in the shared shape', async (t) => {
  const res = await (await app(t)).inject('/nope?x=1')
  t.equal(res.statusCode, 404)
  t.equal(res.json().error.code, 'NOT_FOUND')
  t.equal(res.json().requestId, res.headers['x-request-id'])
})
