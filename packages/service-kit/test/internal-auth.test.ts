import { SignJWT } from 'jose'
import t from 'tap'
import { createInternalTokenSigner, internalAuthPlugin, requireService, requireUser } from '../src/index.js'
import { build } from './helper.js'

const secret = 'x'.repeat(40)
const signer = createInternalTokenSigner({ secret })

async function app(t: Parameters<typeof build>[0]) {
  return build(t, async (app) => {
    await app.register(internalAuthPlugin, { secret })
    app.get('/tenant-data', async (request) => {
      const user = requireUser(request, ['admin', 'social_marketing'])
      return { tenantId: user.tenantId }
    })
    app.get('/lease', async (request) => ({ caller: requireService(request, ['publish-service']) }))
  })
}

t.test('a request without the gateway identity acts for nobody', async (t) => {
  const a = await app(t)
  const res = await a.inject('/tenant-data')
  t.equal(res.statusCode, 401)
  t.equal(res.json().error.code, 'UNAUTHORIZED')
  t.equal((await a.inject('/healthz')).statusCode, 200, 'health stays open')
})

t.test('a user identity from the gateway reaches the route with its tenant', async (t) => {
  const a = await app(t)
  const token = await signer.sign({ kind: 'user', tenantId: 'tenant-a', userId: 'u1', roles: ['admin'] })
  const res = await a.inject({ url: '/tenant-data', headers: { 'x-internal-token': token } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { tenantId: 'tenant-a' })
})

t.test('a role outside the allowed ones is 403', async (t) => {
  const a = await app(t)
  const token = await signer.sign({ kind: 'user', tenantId: 'tenant-a', userId: 'u1', roles: ['sales'] })
  const res = await a.inject({ url: '/tenant-data', headers: { 'x-internal-token': token } })
  t.equal(res.statusCode, 403)
})

t.test('a token signed with another secret, or expired, is 401', async (t) => {
  const a = await app(t)
  const forged = await createInternalTokenSigner({ secret: 'y'.repeat(40) }).forService('publish-service')
  t.equal((await a.inject({ url: '/lease', headers: { 'x-internal-token': forged } })).statusCode, 401)
  const expired = await new SignJWT({ ctx: { kind: 'service', service: 'publish-service' } })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('social-bridge')
    .setAudience('social-bridge-internal')
    .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
    .sign(new TextEncoder().encode(secret))
  t.equal((await a.inject({ url: '/lease', headers: { 'x-internal-token': expired } })).statusCode, 401)
})

t.test('service endpoints accept only the named services', async (t) => {
  const a = await app(t)
  const ok = await a.inject({
    url: '/lease',
    headers: { 'x-internal-token': await signer.forService('publish-service') },
  })
  t.same(ok.json(), { caller: 'publish-service' })
  const other = await a.inject({
    url: '/lease',
    headers: { 'x-internal-token': await signer.forService('gateway') },
  })
  t.equal(other.statusCode, 403)
})
