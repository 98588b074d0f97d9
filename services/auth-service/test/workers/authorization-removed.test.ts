import { createHash } from 'node:crypto'
import {
  namespacedStream,
  Streams,
  Subjects,
  TIKTOK_WEBHOOK_VERSION,
  tiktokWebhookSubject,
} from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import { parseWebhookEvent } from '@social-bridge/tiktok-client'
import type { WebhookDelivery } from '@social-bridge/tiktok-sandbox'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { AUTHORIZATION_REMOVED_DURABLE } from '../../src/workers/authorization-removed.js'
import { collectEvents, connectionRow } from '../db.js'
import { asUser, build, connectAccount, startSandbox, waitUntil } from '../helper.js'
import { buildConnected, requestAccessToken } from '../setup.js'

/**
 * Stores a webhook the sandbox sent (no URL configured) in the stream as webhook-ingest does
 * (contracts v2), or as it did before the normalised payload (`version: 1`, TikTok's content keys).
 */
async function ingest(
  app: FastifyInstance,
  delivery: WebhookDelivery,
  opts: { id?: string; version?: 1 | typeof TIKTOK_WEBHOOK_VERSION } = {},
) {
  const event = parseWebhookEvent(delivery.body)
  const version = opts.version ?? TIKTOK_WEBHOOK_VERSION
  const envelope = createEnvelope({
    type: tiktokWebhookSubject(event.event),
    tenantId: null,
    id: opts.id ?? createHash('sha256').update(delivery.body).digest('hex'),
    version,
    data: {
      clientKey: event.clientKey,
      event: event.event,
      createTime: event.createTime,
      userOpenId: event.userOpenId,
      content: version === 1 ? event.content.raw : event.content,
      receivedAt: new Date().toISOString(),
    },
  })
  await app.nats.bus.publish(envelope.type, envelope)
}

/** Messages the auth-service durable consumer has acknowledged (its effect committed). */
async function acked(app: FastifyInstance): Promise<number> {
  const stream = namespacedStream(app.nats.namespace, Streams.tiktokWebhooks).name
  const info = await app.nats.jsm.consumers.info(stream, AUTHORIZATION_REMOVED_DURABLE)
  return info.num_ack_pending === 0 ? info.ack_floor.stream_seq : 0
}

const removedEvents = (sandbox: { webhookDeliveries(): WebhookDelivery[] }) =>
  sandbox.webhookDeliveries().filter((d) => d.event === 'authorization.removed')

t.test('authorization.removed revokes every connection of the account, once', async (t) => {
  const sandbox = await startSandbox(t)
  const { app } = await build(t, { sandbox })
  const events = collectEvents(app)
  const creator = sandbox.addUser()
  const other = sandbox.addUser()
  const a = await connectAccount(app, { tenantId: 't1', userId: 'u1' }, creator.openId)
  const b = await connectAccount(app, { tenantId: 't2', userId: 'u2' }, creator.openId)
  const untouched = await connectAccount(app, { tenantId: 't1', userId: 'u1' }, other.openId)
  sandbox.advanceClock(1000) // a moment later at TikTok, the user removes the app
  sandbox.revokeAuthorization(creator.openId, { reason: 1 })
  const [removed] = removedEvents(sandbox)

  await ingest(app, removed!)
  await ingest(app, removed!, { id: 'a-redelivery-with-another-id' })
  t.ok(await waitUntil(async () => (await acked(app)) >= 2), 'both deliveries were handled and acked')

  for (const id of [a.connectionId, b.connectionId]) {
    const row = await connectionRow(app, id)
    t.equal(row?.status, 'revoked')
    t.equal(row?.access_token_sealed, null, 'tokens deleted')
  }
  t.equal((await connectionRow(app, untouched.connectionId))?.status, 'active')
  const audits = await app.sql`select actor from auth.audit_log where action = 'connection.revoked'`
  t.same(
    audits.map((r) => r.actor),
    ['tiktok', 'tiktok'],
    'the second delivery changes nothing (idempotent)',
  )
  const disconnected = () => events.events.filter((e) => e.subject === Subjects.connectionDisconnected)
  t.ok(await waitUntil(() => disconnected().length === 2))
  t.match(JSON.parse(disconnected()[0]!.body).data, {
    status: 'revoked',
    initiatedBy: 'tiktok',
    tiktokReason: 1,
  })
  const handed = await requestAccessToken(app, a.connectionId)
  t.equal(handed.json().error.code, 'CONNECTION_NOT_ACTIVE')
})

t.test('a late authorization.removed for an earlier grant leaves a reconnected account active', async (t) => {
  const user = { tenantId: 't1', userId: 'u1' }
  const { sandbox, app, creator, connectionId } = await buildConnected(t, { user })
  const del = await app.inject({
    method: 'DELETE',
    url: `/connections/${connectionId}`,
    headers: await asUser(user),
  })
  t.equal(del.statusCode, 200)
  const [late] = removedEvents(sandbox) // TikTok's answer to our revoke, not delivered yet
  t.ok(late, 'revoking at TikTok produced authorization.removed')
  t.equal((await connectAccount(app, user, creator.openId)).connectionId, connectionId, 'reconnected')

  await ingest(app, late!)
  t.ok(await waitUntil(async () => (await acked(app)) >= 1), 'the event was handled and acked')
  t.equal((await connectionRow(app, connectionId))?.status, 'active', 'the new grant is kept')
  const [audit] =
    await app.sql`select actor, details from auth.audit_log where action = 'connection.revoke_ignored'`
  t.match(audit, {
    actor: 'tiktok',
    details: { tiktokReason: 5, eventCreateTime: JSON.parse(late!.body).create_time },
  })
  const handed = await requestAccessToken(app, connectionId)
  t.equal(handed.statusCode, 200, 'its access token is still handed out')
})

t.test('an authorization.removed stored in the v1 shape before the upgrade still revokes', async (t) => {
  const { sandbox, app, creator, connectionId } = await buildConnected(t)
  sandbox.advanceClock(1000)
  sandbox.revokeAuthorization(creator.openId, { reason: 4 })
  const [removed] = removedEvents(sandbox)

  await ingest(app, removed!, { version: 1 })
  t.ok(await waitUntil(async () => (await acked(app)) >= 1), 'handled and acked')

  t.equal((await connectionRow(app, connectionId))?.status, 'revoked')
  const [audit] = await app.sql`select details from auth.audit_log where action = 'connection.revoked'`
  t.match(audit?.details, { tiktokReason: 4 }, 'the reason read from the v1 content')
})
