import { ensureElementsBuilt } from '@social-bridge/elements/build'
import t from 'tap'
import { corsOrigins } from '../src/plugins/external/cors.js'
import { auth, build, crmToken } from './helper.js'

// The console at /console/ (built from @social-bridge/elements) and CORS for CORS_ORIGINS.

const CRM = 'https://crm.example.com'

t.test('CORS_ORIGINS is split on commas, trimmed, without trailing slashes', async (t) => {
  t.same(corsOrigins(' https://a.example.com/ , http://b.example:8080'), [
    'https://a.example.com',
    'http://b.example:8080',
  ])
  t.same(corsOrigins(undefined), [])
})

t.test('an allowed CRM origin gets CORS with credentials; another gets none', async (t) => {
  const { app } = await build(t, { CORS_ORIGINS: `${CRM},https://admin.example.com` })
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/v1/connections',
    headers: {
      origin: CRM,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    },
  })
  t.equal(preflight.statusCode, 204)
  t.equal(preflight.headers['access-control-allow-origin'], CRM)
  t.equal(preflight.headers['access-control-allow-credentials'], 'true')
  t.match(String(preflight.headers['access-control-allow-headers']), /authorization/)

  const get = await app.inject({
    url: '/v1/connections',
    headers: { origin: CRM, ...auth(await crmToken()) },
  })
  t.equal(get.headers['access-control-allow-origin'], CRM)
  t.match(String(get.headers['access-control-expose-headers']), /retry-after/)

  const other = await app.inject({
    method: 'OPTIONS',
    url: '/v1/connections',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
  })
  t.notOk(other.headers['access-control-allow-origin'], 'no CORS for an origin not listed')
})

t.test('without CORS_ORIGINS no origin gets CORS', async (t) => {
  const { app } = await build(t)
  const res = await app.inject({
    url: '/v1/connections',
    headers: { origin: CRM, ...auth(await crmToken()) },
  })
  t.notOk(res.headers['access-control-allow-origin'])
})

t.test('the console and its OAuth return page are served without a JWT', async (t) => {
  await ensureElementsBuilt()
  const { app } = await build(t)
  const index = await app.inject({ url: '/console/' })
  t.equal(index.statusCode, 200)
  t.match(index.headers['content-type'], /text\/html/)
  t.match(index.body, /<sb-connections/)
  const back = await app.inject({ url: '/console/oauth-return.html?outcome=connected' })
  t.equal(back.statusCode, 200)
  const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(back.body)?.[1]
  t.ok(script, 'the page loads its script from /console/assets/')
  t.equal((await app.inject({ url: script ?? '' })).statusCode, 200)
})
