import { randomBytes } from 'node:crypto'
import { call, DEV_JWT } from '@social-bridge/stack'
import type { Test } from 'tap'
import type { Journey } from '../journey-context.js'

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')

/** An unsigned (`alg: none`) JWT with `claims`. */
export const unsignedJwt = (claims: object) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`

/** Forged CRM JWTs through the gateway: each gets 401 and reads nothing. */
export function forgedJwtChecks(t: Test, j: Journey): void {
  t.test('forged JWTs get 401: alg none, another key, expired, another audience', async (t) => {
    const now = Math.floor(Date.now() / 1000)
    // Everything but the signature is what the gateway accepts, so only `alg: none` can fail it.
    const validClaims = {
      sub: 'e2e-user',
      tenant_id: DEV_JWT.tenantId,
      roles: ['admin'],
      iss: DEV_JWT.issuer,
      aud: DEV_JWT.audience,
      iat: now,
      exp: now + 600,
    }
    const [header, payload, signature] = j.admin.split('.')
    const cases: Record<string, string> = {
      'alg none with valid claims': unsignedJwt(validClaims),
      'valid claims with the signature stripped': `${header}.${b64(validClaims)}.`,
      'signed with another key': await j.stack.jwt({ secret: randomBytes(32).toString('hex') }),
      expired: await j.stack.jwt({ expiresAt: now - 3600 }),
      'another audience': await j.stack.jwt({ audience: 'someone-else' }),
      'payload changed after signing': `${header}.${b64({ ...validClaims, roles: ['admin', 'x'] })}.${signature}`,
      'payload with a byte appended': `${header}.${payload}x.${signature}`,
      garbage: 'garbage',
    }
    for (const [name, token] of Object.entries(cases)) {
      const res = await call('GET', `${j.stack.gateway}/connections`, { token })
      t.equal(res.status, 401, name)
      t.equal(res.body?.error?.code, 'UNAUTHORIZED', name)
      t.notOk(res.body?.items, `${name}: no data`)
    }
    const genuine = await call('GET', `${j.stack.gateway}/connections`, { token: await j.stack.jwt() })
    t.equal(genuine.status, 200, 'the same claims, properly signed, are accepted')
    t.ok(genuine.body.items.some((c: { id: string }) => c.id === j.connectionId))
  })
}
