import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { authMetrics } from '../../../src/metrics.js'
import { asUser } from '../../helper.js'
import { buildConnected, buildReplica, requestAccessToken } from '../../setup.js'

// a TTL far longer than any test: only an invalidation can end an entry here
const cacheOn = { ACCESS_TOKEN_CACHE_TTL_MS: 600_000 }
const user = { tenantId: 't1', userId: 'u1' }

/** Two replicas with the cache on, on one database and NATS namespace, and one connected account. */
async function twoReplicas(t: Test) {
  const { sandbox, app: a, config, connectionId } = await buildConnected(t, { user, overrides: cacheOn })
  const { app: b } = await buildReplica(t, sandbox, config, { overrides: cacheOn })
  return { a, b, connectionId }
}

/** Hand-outs served from a replica's cache so far (process-wide, both replicas of a test). */
const cacheHits = async () =>
  (await authMetrics.accessTokens.get()).values.find((v) => v.labels.source === 'cache')?.value ?? 0

/**
 * Hands out `connectionId`'s token on `app` until one comes from its cache (the connect's own
 * event may arrive during the first read, which is then not remembered); fails the test otherwise.
 * @returns the token.
 */
async function handOutFromCache(t: Test, app: FastifyInstance, connectionId: string): Promise<string> {
  for (let i = 0; i < 5; i++) {
    const hitsBefore = await cacheHits()
    const res = await requestAccessToken(app, connectionId)
    t.equal(res.statusCode, 200)
    if ((await cacheHits()) > hitsBefore) return res.json().accessToken
  }
  t.fail('no hand-out came from the cache')
  return ''
}

t.test('a replica hands out a token it handed out before from its cache', async (t) => {
  const { a, connectionId } = await twoReplicas(t)
  const first = (await requestAccessToken(a, connectionId)).json().accessToken
  t.equal(await handOutFromCache(t, a, connectionId), first)
  const otherTenant = await requestAccessToken(a, connectionId, { payload: { tenantId: 't2' } })
  t.equal(otherTenant.statusCode, 404, "still not another tenant's")
})

t.test("another replica's disconnect makes this replica refuse the token at once", async (t) => {
  const { a, b, connectionId } = await twoReplicas(t)
  await handOutFromCache(t, a, connectionId)
  const disconnected = await b.inject({
    method: 'DELETE',
    url: `/connections/${connectionId}`,
    headers: await asUser({ ...user, roles: ['admin'] }),
  })
  t.equal(disconnected.statusCode, 200)
  const res = await requestAccessToken(a, connectionId)
  t.equal(res.statusCode, 409, 'the cached token is not handed out')
  t.equal(res.json().error.code, 'CONNECTION_NOT_ACTIVE')
})

t.test("another replica's refresh makes this replica hand out the new token at once", async (t) => {
  const { a, b, connectionId } = await twoReplicas(t)
  const old = await handOutFromCache(t, a, connectionId)
  const forced = await requestAccessToken(b, connectionId, { payload: { forceRefresh: true } })
  t.equal(forced.statusCode, 200)
  t.not(forced.json().accessToken, old)
  const res = await requestAccessToken(a, connectionId)
  t.equal(res.json().accessToken, forced.json().accessToken, 'the refreshed token, not the cached one')
})

t.test('a disconnect on this replica ends its cached token at once', async (t) => {
  const { a, connectionId } = await twoReplicas(t)
  await handOutFromCache(t, a, connectionId)
  const disconnected = await a.inject({
    method: 'DELETE',
    url: `/connections/${connectionId}`,
    headers: await asUser({ ...user, roles: ['admin'] }),
  })
  t.equal(disconnected.statusCode, 200)
  t.equal((await requestAccessToken(a, connectionId)).statusCode, 409)
})
