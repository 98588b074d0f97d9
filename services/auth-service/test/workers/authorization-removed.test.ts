import { Subjects, tiktokWebhookSubject } from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import t from 'tap'
import { collectEvents, connectionRow } from '../db.js'
import { asService, build, connectAccount, startSandbox, waitUntil } from '../helper.js'

t.test('authorization.removed revokes every connection of the account, once', async (t) => {
  const sandbox = await startSandbox(t)
  const { app } = await build(t, { sandbox })
  const events = collectEvents(app)
  const creator = sandbox.addUser()
  const other = sandbox.addUser()
  const a = await connectAccount(app, { tenantId: 't1', userId: 'u1' }, creator.openId)
  const b = await connectAccount(app, { tenantId: 't2', userId: 'u2' }, creator.openId)
  const untouched = await connectAccount(app, { tenantId: 't1', userId: 'u1' }, other.openId)
  sandbox.revokeAuthorization(creator.openId, { reason: 1 })

  const envelope = createEnvelope({
    type: tiktokWebhookSubject('authorization.removed'),
    tenantId: null,
    id: 'sha256-of-the-raw-body',
    data: {
      clientKey: 'sbx_client_key',
      event: 'authorization.removed',
      createTime: Math.floor(Date.now() / 1000),
      userOpenId: creator.openId,
      content: { reason: 1 },
      receivedAt: new Date().toISOString(),
    },
  })
  await app.nats.bus.publish(envelope.type, envelope)
  await app.nats.bus.publish(envelope.type, { ...envelope, id: 'a-redelivery-with-another-id' })

  const disconnected = () => events.events.filter((e) => e.subject === Subjects.connectionDisconnected)
  t.ok(await waitUntil(() => disconnected().length >= 2))
  for (const id of [a.connectionId, b.connectionId]) {
    const row = await connectionRow(app, id)
    t.equal(row?.status, 'revoked')
    t.equal(row?.access_token_sealed, null, 'tokens deleted')
  }
  t.equal((await connectionRow(app, untouched.connectionId))?.status, 'active')
  await new Promise((r) => setTimeout(r, 300))
  t.equal(disconnected().length, 2, 'the second delivery changes nothing (idempotent)')
  t.match(JSON.parse(disconnected()[0]!.body).data, {
    status: 'revoked',
    initiatedBy: 'tiktok',
    tiktokReason: 1,
  })
  const lease = await app.inject({
    method: 'POST',
    url: `/internal/connections/${a.connectionId}/lease`,
    headers: await asService('publish-service'),
    payload: {},
  })
  t.equal(lease.json().error.code, 'CONNECTION_NOT_ACTIVE')
  const [audit] = await app.sql`select actor from auth.audit_log where action = 'connection.revoked' limit 1`
  t.equal(audit?.actor, 'tiktok')
})
