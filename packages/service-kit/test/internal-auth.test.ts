import { SignJWT } from 'jose'
import t from 'tap'
import {
  createInternalTokenSigner,
  createInternalTokenVerifier,
  internalAuthPlugin,
  requireService,
  requireUser,
} from '../src/index.js'
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

t.test('a remembered token does not let a tampered copy of it through', async (t) => {
  const a = await app(t)
  const token = await signer.sign({ kind: 'user', tenantId: 'tenant-a', userId: 'u1', roles: ['admin'] })
  const send = (value: string) => a.inject({ url: '/tenant-data', headers: { 'x-internal-token': value } })
  t.equal((await send(token)).statusCode, 200)
  t.equal((await send(token)).statusCode, 200, 'the same token again (remembered)')
  const [header, , signature] = token.split('.')
  const otherTenant = Buffer.from(
    JSON.stringify({ ctx: { kind: 'user', tenantId: 'tenant-b', userId: 'u1', roles: ['admin'] } }),
  ).toString('base64url')
  t.equal((await send(`${header}.${otherTenant}.${signature}`)).statusCode, 401, 'claims swapped')
  t.equal(
    (await send(`${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`)).statusCode,
    401,
    'signature changed',
  )
})

t.test('createInternalTokenVerifier refuses a remembered token once it has expired', async (t) => {
  let clock = Date.now()
  const verify = createInternalTokenVerifier(secret, { now: () => clock })
  const token = await createInternalTokenSigner({ secret, ttlSec: 60 }).forService('publish-service')
  t.same(await verify(token), { kind: 'service', service: 'publish-service' })
  clock += 60_000 // within the 5 s tolerance: still remembered
  t.same(await verify(token), { kind: 'service', service: 'publish-service' })
  clock += 6_000 // past exp + tolerance
  await t.rejects(verify(token), /internal token rejected: ERR_JWT_EXPIRED/)
  await t.rejects(verify(token), /ERR_JWT_EXPIRED/, 'refused again: a refusal is never remembered')
})
