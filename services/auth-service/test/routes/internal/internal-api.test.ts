import t from 'tap'
import { asService, build, connectAccount, startSandbox } from '../../helper.js'
import { buildConnected, requestAccessToken } from '../../setup.js'

t.test('a cached valid token is handed out without calling TikTok', async (t) => {
  const { sandbox, app, connectionId } = await buildConnected(t, { user: { tenantId: 't1', userId: 'u' } })
  sandbox.clearRequestLog()
  const headers = await asService('analytics-service')
  for (let i = 0; i < 5; i++) {
    const res = await app.inject({
      method: 'POST',
      url: `/internal/connections/${connectionId}/lease`,
      headers,
    })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'no-store')
  }
  t.equal(sandbox.requestLog().length, 0)
})

t.test('access tokens are refused to unknown ids, other tenants and other callers', async (t) => {
  const { app, connectionId } = await buildConnected(t, { user: { tenantId: 't1', userId: 'u' } })
  const getToken = (id: string, service: string, payload: Record<string, unknown> = {}) =>
    requestAccessToken(app, id, { service, payload })
  t.equal((await getToken('00000000-0000-4000-8000-000000000000', 'publish-service')).statusCode, 404)
  t.equal((await getToken(connectionId, 'publish-service', { tenantId: 't2' })).statusCode, 404)
  t.equal((await getToken(connectionId, 'publish-service', { tenantId: 't1' })).statusCode, 200)
  t.equal((await getToken(connectionId, 'webhook-ingest')).statusCode, 403)
  const direct = await app.inject({
    method: 'POST',
    url: `/internal/connections/${connectionId}/lease`,
    payload: {},
  })
  t.equal(direct.statusCode, 401, 'no identity, no token')
})

t.test('the internal list pages through connections by status', async (t) => {
  const sandbox = await startSandbox(t)
  const { app } = await build(t, { sandbox })
  const ids: string[] = []
  for (let i = 0; i < 3; i++)
    ids.push(
      (await connectAccount(app, { tenantId: `t${i}`, userId: 'u' }, sandbox.addUser().openId)).connectionId,
    )
  await app.sql`update auth.connections set status = 'reauth_required' where id = ${ids[0]!}`
  const headers = await asService('analytics-service')
  const first = (await app.inject({ url: '/internal/connections?status=active&limit=1', headers })).json()
  t.equal(first.items.length, 1)
  t.ok(first.nextCursor)
  const second = (
    await app.inject({
      url: `/internal/connections?status=active&limit=1&cursor=${first.nextCursor}`,
      headers,
    })
  ).json()
  t.equal(second.items.length, 1)
  t.equal(second.nextCursor, null)
  t.same([...first.items, ...second.items].map((i: { id: string }) => i.id).sort(), ids.slice(1).sort())
  t.notMatch(JSON.stringify([first, second]), /act\.|rft\./)
})
