import Fastify from 'fastify'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import t from 'tap'
import { AUDIENCE, auth, build, crmToken, ISSUER } from './helper.js'

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')

t.test('a valid CRM JWT reaches the service as an internal identity, not as the JWT', async (t) => {
  const { app, upstreams } = await build(t)
  const token = await crmToken({ sub: 'u-42', tenant_id: 'tenant-x', roles: ['social_marketing'] })
  const res = await app.inject({ url: '/v1/posts?limit=5', headers: auth(token) })
  t.equal(res.statusCode, 200)
  const seen = upstreams.publish.seen[0]
  t.equal(seen?.url, '/posts?limit=5')
  t.same(seen?.identity, { kind: 'user', tenantId: 'tenant-x', userId: 'u-42', roles: ['social_marketing'] })
  t.notOk(seen?.headers.authorization, 'the CRM JWT is not forwarded')
  t.equal(seen?.headers['x-request-id'], res.headers['x-request-id'], 'the request id is propagated')
})

t.test('forged, expired and misaddressed tokens get 401', async (t) => {
  const { app, upstreams } = await build(t)
  const cases: Record<string, string> = {
    missing: '',
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', tenant_id: 't', roles: ['admin'], iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}.`,
    'wrong key': await crmToken({}, { key: 'another-secret-another-secret-123456' }),
    expired: await crmToken({}, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }),
    'wrong audience': await crmToken({}, { aud: 'someone-else' }),
    'wrong issuer': await crmToken({}, { iss: 'https://evil.example' }),
    'not yet valid': await crmToken({}, { notBefore: Math.floor(Date.now() / 1000) + 3600 }),
    'no tenant': await crmToken({ tenant_id: '' }),
    garbage: 'not.a.jwt',
  }
  for (const [name, token] of Object.entries(cases)) {
    const res = await app.inject({ url: '/v1/connections', headers: token ? auth(token) : {} })
    t.equal(res.statusCode, 401, name)
    t.equal(res.json().error.code, 'UNAUTHORIZED', name)
    t.ok(res.json().requestId, name)
  }
  t.equal(upstreams.auth.seen.length, 0, 'nothing reached the service')
})

t.test('a JWT remembered after it verified does not let a tampered copy through', async (t) => {
  const { app, upstreams } = await build(t)
  const token = await crmToken({ sub: 'u-1', tenant_id: 'tenant-a', roles: ['admin'] })
  for (let i = 0; i < 2; i++) {
    t.equal((await app.inject({ url: '/v1/connections', headers: auth(token) })).statusCode, 200)
  }
  const [header, , signature] = token.split('.')
  const exp = Math.floor(Date.now() / 1000) + 300
  const otherTenant = b64({
    sub: 'u-1',
    tenant_id: 'tenant-b',
    roles: ['admin'],
    iss: ISSUER,
    aud: AUDIENCE,
    exp,
  })
  for (const [name, forged] of Object.entries({
    'claims swapped': `${header}.${otherTenant}.${signature}`,
    'signature changed': `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`,
  })) {
    t.equal((await app.inject({ url: '/v1/connections', headers: auth(forged) })).statusCode, 401, name)
  }
  t.equal(upstreams.auth.seen.length, 2, 'only the genuine token reached the service')
})

t.test(
  'RS256 tokens verify against a JWKS URL, and an HS256 token signed with the public key does not',
  async (t) => {
    const { publicKey, privateKey } = await generateKeyPair('RS256')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
    const jwks = Fastify()
    jwks.get('/jwks.json', async () => ({ keys: [jwk] }))
    const jwksUrl = await jwks.listen({ host: '127.0.0.1', port: 0 })
    t.teardown(() => jwks.close())
    const { app } = await build(t, { JWT_SECRET: undefined, JWT_JWKS_URL: `${jwksUrl}/jwks.json` })

    const good = await new SignJWT({ tenant_id: 'tenant-a', roles: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('u1')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey)
    t.equal((await app.inject({ url: '/v1/connections', headers: auth(good) })).statusCode, 200)

    const confused = await crmToken({}, { key: JSON.stringify(jwk) })
    t.equal((await app.inject({ url: '/v1/connections', headers: auth(confused) })).statusCode, 401)
  },
)
