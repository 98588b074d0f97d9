import t from 'tap'
import { asService, asUser } from '../helper.js'
import { buildConnected } from '../setup.js'

/**
 * Every id auth-service takes must be a canonical UUID (contracts `Uuid`): the JSON Schema `uuid`
 * format alone accepts `urn:uuid:<uuid>`, which PostgreSQL's `uuid` type refuses with an error
 * that answered 500 (issue 21 item 3). Each odd form of a real id answers 400 in the shared shape.
 */
t.test('an id that is not a canonical UUID answers 400 on every id route', async (t) => {
  const admin = { tenantId: 't1', userId: 'admin-1', roles: ['admin'] }
  const { sandbox, app, connectionId } = await buildConnected(t, { user: admin })
  const user = await asUser(admin)
  const service = await asService('publish-service')
  const odd = [
    `urn:uuid:${connectionId}`,
    `URN:UUID:${connectionId}`,
    `{${connectionId}}`,
    connectionId.replaceAll('-', ''),
  ]
  const routes = (id: string) => [
    { method: 'GET' as const, url: `/connections/${id}`, headers: user },
    { method: 'POST' as const, url: `/connections/${id}/refresh`, headers: user },
    { method: 'DELETE' as const, url: `/connections/${id}`, headers: user },
    { method: 'POST' as const, url: `/internal/connections/${id}/lease`, headers: service, payload: {} },
    {
      method: 'GET' as const,
      url: `/internal/connections?cursor=${encodeURIComponent(id)}`,
      headers: service,
    },
  ]
  sandbox.clearRequestLog()
  for (const id of odd) {
    for (const route of routes(id)) {
      const res = await app.inject(route)
      t.equal(res.statusCode, 400, `${route.method} ${route.url}`)
      t.match(res.json(), { error: { code: 'VALIDATION_FAILED', message: String }, requestId: String })
    }
  }
  t.equal(sandbox.requestLog().length, 0, 'nothing reached TikTok (no refresh, no revoke)')
  const still = await app.inject({ method: 'GET', url: `/connections/${connectionId}`, headers: user })
  t.equal(still.json().status, 'active', 'the connection is untouched')
})
