import { Subjects } from '@social-bridge/contracts'
import t, { type Test } from 'tap'
import { collectEvents, connectionRow } from '../../db.js'
import { asUser, waitUntil } from '../../helper.js'
import { buildConnected, requestAccessToken } from '../../setup.js'

const admin = { tenantId: 't1', userId: 'admin-1', roles: ['admin'] }
const marketer = { tenantId: 't1', userId: 'mk-1', roles: ['social_marketing'] }

async function setup(t: Test) {
  const { sandbox, app, creator, connectionId } = await buildConnected(t, {
    user: admin,
    creator: { displayName: 'Listed' },
  })
  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, user = admin) =>
    app.inject({ method, url, headers: await asUser(user) })
  return { sandbox, app, creator, connectionId, call }
}

t.test('the tenant lists and reads its connections without any token', async (t) => {
  const { app, creator, connectionId, call } = await setup(t)
  const list = await call('GET', '/connections', marketer)
  t.equal(list.statusCode, 200)
  t.match(list.json().items, [
    { id: connectionId, openId: creator.openId, displayName: 'Listed', status: 'active' },
  ])
  const detail = await call('GET', `/connections/${connectionId}`, marketer)
  t.equal(detail.json().id, connectionId)
  t.notMatch(list.body + detail.body, /act\.|rft\./)
  void app
})

t.test("another tenant's connection answers 404", async (t) => {
  const { connectionId, call } = await setup(t)
  const other = { tenantId: 't2', userId: 'x', roles: ['admin'] }
  t.equal((await call('GET', `/connections/${connectionId}`, other)).statusCode, 404)
  t.equal((await call('DELETE', `/connections/${connectionId}`, other)).statusCode, 404)
  t.equal((await call('POST', `/connections/${connectionId}/refresh`, other)).statusCode, 404)
  t.same((await call('GET', '/connections', other)).json(), { items: [] })
})

t.test('an admin refreshes a connection now; a marketer may not', async (t) => {
  const { sandbox, connectionId, call } = await setup(t)
  t.equal((await call('POST', `/connections/${connectionId}/refresh`, marketer)).statusCode, 403)
  sandbox.clearRequestLog()
  const res = await call('POST', `/connections/${connectionId}/refresh`)
  t.equal(res.statusCode, 200)
  t.ok(res.json().lastRefreshedAt)
  t.equal(sandbox.requestLog().filter((e) => e.grantType === 'refresh_token').length, 1)
})

t.test('disconnecting revokes at TikTok, deletes the tokens and emits the event', async (t) => {
  const { sandbox, app, connectionId, call } = await setup(t)
  const events = collectEvents(app)
  t.equal((await call('DELETE', `/connections/${connectionId}`, marketer)).statusCode, 403, 'admin only')
  const res = await call('DELETE', `/connections/${connectionId}`)
  t.equal(res.statusCode, 200)
  t.equal(res.json().status, 'disconnected')
  t.equal(sandbox.requestLog().filter((e) => e.endpoint === 'oauth.revoke' && e.status === 200).length, 1)
  const row = await connectionRow(app, connectionId)
  t.same([row?.access_token_sealed, row?.refresh_token_sealed], [null, null])
  t.ok(await waitUntil(() => events.events.some((e) => e.subject === Subjects.connectionDisconnected)))
  t.match(JSON.parse(events.events.find((e) => e.subject === Subjects.connectionDisconnected)!.body).data, {
    connectionId,
    status: 'disconnected',
    initiatedBy: 'user',
    userId: 'admin-1',
  })
  const handed = await requestAccessToken(app, connectionId)
  t.equal(handed.statusCode, 409)
  t.equal(handed.json().error.code, 'CONNECTION_NOT_ACTIVE')
  const [audit] = await app.sql`select actor from auth.audit_log where action = 'connection.disconnected'`
  t.equal(audit?.actor, 'admin-1')
})

t.test('a failed revoke at TikTok does not block disconnecting', async (t) => {
  const { sandbox, app, connectionId, call } = await setup(t)
  sandbox.injectFault({ endpoint: 'oauth.revoke', kind: 'internal_error', count: 5 })
  const res = await call('DELETE', `/connections/${connectionId}`)
  t.equal(res.statusCode, 200)
  t.equal((await connectionRow(app, connectionId))?.status, 'disconnected')
})

t.test('authorization.removed handled while a disconnect is revoking leaves it disconnected', async (t) => {
  const { sandbox, app, creator, connectionId, call } = await setup(t)
  // Keep the revoke call open so the disconnect is mid-way when TikTok's webhook is handled.
  sandbox.injectFault({ endpoint: 'oauth.revoke', kind: 'timeout', holdMs: 1000 })
  const disconnecting = call('DELETE', `/connections/${connectionId}`)
  t.ok(
    await waitUntil(() => sandbox.requestLog().some((e) => e.endpoint === 'oauth.revoke')),
    'the revoke request reached TikTok (and is held there)',
  )
  const revoked = await app.auth.disconnect.markRevoked(creator.openId, 5)
  t.equal(revoked, 0, 'the webhook waited for the disconnect and found nothing left to end')
  t.equal((await disconnecting).statusCode, 200)
  t.equal((await connectionRow(app, connectionId))?.status, 'disconnected')
})
