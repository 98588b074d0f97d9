import { randomBytes } from 'node:crypto'
import { accessTokenPath } from '@social-bridge/contracts'
import {
  createInternalTokenSigner,
  type Identity,
  INTERNAL_AUDIENCE,
  INTERNAL_ISSUER,
  INTERNAL_TOKEN_HEADER,
} from '@social-bridge/service-kit'
import { call, DEV_JWT } from '@social-bridge/stack'
import type { Test } from 'tap'
import type { Journey } from '../journey-context.js'
import { unsignedJwt } from './forged-jwt.js'

/** Identity headers a caller who bypasses the gateway might try. */
async function forgedIdentities(admin: string): Promise<Record<string, Record<string, string>>> {
  const now = Math.floor(Date.now() / 1000)
  const ctx: Identity = { kind: 'user', tenantId: DEV_JWT.tenantId, userId: 'intruder', roles: ['admin'] }
  const otherSecret = createInternalTokenSigner({ secret: randomBytes(32).toString('hex') })
  return {
    'no identity': {},
    'the CRM JWT as Authorization': { authorization: `Bearer ${admin}` },
    'the CRM JWT as internal token': { [INTERNAL_TOKEN_HEADER]: admin },
    'a bogus internal token': { [INTERNAL_TOKEN_HEADER]: 'forged' },
    'an internal token signed with another secret': { [INTERNAL_TOKEN_HEADER]: await otherSecret.sign(ctx) },
    'an unsigned internal token': {
      [INTERNAL_TOKEN_HEADER]: unsignedJwt({
        ctx,
        iss: INTERNAL_ISSUER,
        aud: INTERNAL_AUDIENCE,
        sub: 'intruder',
        exp: now + 60,
      }),
    },
  }
}

/** Direct calls to the services' ports, around the gateway, act for nobody. */
export function directPortChecks(t: Test, j: Journey): void {
  t.test('a service port called directly cannot read a tenant’s data', async (t) => {
    const { ports } = j.stack
    const post = await j.publishedPost()
    const at = (port: number, path: string) => `http://127.0.0.1:${port}${path}`
    const reads = [
      at(ports.auth, '/connections'),
      at(ports.auth, `/connections/${j.connectionId}`),
      at(ports.publish, '/posts'),
      at(ports.publish, `/posts/${post.id}`),
      at(ports.publish, `/connections/${j.connectionId}/creator-info`),
      at(ports.analytics, `/analytics/posts/${post.id}`),
      at(ports.analytics, `/analytics/connections/${j.connectionId}`),
      at(ports.analytics, '/analytics/summary'),
    ]
    const accessToken = at(ports.auth, accessTokenPath(j.connectionId))
    const secrets = [j.connectionId, post.id, j.creator, DEV_JWT.tenantId, 'act.', 'rft.']

    // The control: with the gateway's identity token these are real data routes.
    const gatewayIdentity = { [INTERNAL_TOKEN_HEADER]: await j.stack.internalToken() }
    for (const url of reads) {
      t.equal((await call('GET', url, { headers: gatewayIdentity })).status, 200, `control: ${url}`)
    }
    const userToken = await call('POST', accessToken, { headers: gatewayIdentity, json: {} })
    t.equal(userToken.status, 403, 'a user identity may not get access tokens either')

    for (const [name, headers] of Object.entries(await forgedIdentities(j.admin))) {
      for (const [method, url] of [
        ...reads.map((u) => ['GET', u] as const),
        ['POST', accessToken] as const,
      ]) {
        const res = await call(method, url, { headers, ...(method === 'POST' ? { json: {} } : {}) })
        t.equal(res.status, 401, `${name}: ${method} ${url}`)
        t.same(Object.keys(res.body ?? {}).sort(), ['error', 'requestId'], `${name}: only the error shape`)
        const text = JSON.stringify(res.body)
        t.notOk(
          secrets.some((s) => text.includes(s)),
          `${name}: ${method} ${url} reveals no tenant data`,
        )
      }
    }
  })
}
