import { randomUUID } from 'node:crypto'
import {
  type Envelope,
  Subjects,
  TIKTOK_WEBHOOK_VERSION,
  TikTokWebhookFilters,
} from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildTracked } from '../accounts.js'
import { build, waitUntil } from '../helper.js'
import { postPublishedEnvelope } from '../publish-helper.js'

const WEBHOOK = TikTokWebhookFilters.postPubliclyAvailable

/** Publishes like a JetStream redelivery would: no Nats-Msg-Id, so the stream stores every copy. */
async function publishRaw(app: FastifyInstance, subject: string, env: Envelope) {
  await app.nats.js.publish(`${app.nats.namespace}.${subject}`, JSON.stringify(env))
}

/** Everything stored about one post, with its ids replaced by placeholders. */
async function fingerprint(
  app: FastifyInstance,
  ids: { postId: string; publishId: string; videoId: string },
) {
  const norm = (s: string) =>
    s.replace(ids.postId, 'POST').replace(ids.publishId, 'PUBLISH').replace(ids.videoId, 'VIDEO')
  const rows = await app.pg<{ row: string }[]>`
    select row_to_json(p)::text as row from analytics.posts p where post_id = ${ids.postId}
    union all select row_to_json(l)::text from analytics.publish_videos l where publish_id = ${ids.publishId}
    union all select row_to_json(v)::text from (
      select connection_id, video_id, tenant_id, provider, created_on_provider_at, next_sync_at is not null as tracked
      from analytics.videos where video_id = ${ids.videoId}) v`
  return rows.map((r) => norm(r.row)).sort()
}

t.test('duplicate and out-of-order post events leave the same data', async (t) => {
  const { ctx, user, connectionId } = await buildTracked(t)
  const processed = async () =>
    (await ctx.app.pg<{ n: number }[]>`select count(*)::int as n from analytics.processed_events`)[0]!.n
  const before = await processed()

  // `webhookVersion` 1: the webhook as stored before the normalised v2 payload (still in the stream)
  const eventsFor = (ids: { postId: string; publishId: string; videoId: string }, webhookVersion = 2) => [
    {
      subject: Subjects.postPublished,
      env: postPublishedEnvelope('tenant-a', {
        postId: ids.postId,
        connectionId,
        publishId: ids.publishId,
        tiktokPostIds: [],
      }),
    },
    {
      subject: WEBHOOK,
      env: createEnvelope({
        type: WEBHOOK,
        tenantId: null,
        version: webhookVersion === 1 ? 1 : TIKTOK_WEBHOOK_VERSION,
        data: {
          clientKey: 'sbx_client_key',
          event: 'post.publish.publicly_available',
          createTime: 1_700_000_000,
          userOpenId: user.openId,
          content:
            webhookVersion === 1
              ? { publish_id: ids.publishId, post_id: ids.videoId, publish_type: 'DIRECT_POST' }
              : {
                  publishId: ids.publishId,
                  postId: ids.videoId,
                  publishType: 'DIRECT_POST',
                  raw: { publish_id: ids.publishId, post_id: ids.videoId, publish_type: 'DIRECT_POST' },
                },
          receivedAt: new Date().toISOString(),
        },
      }) as Envelope,
    },
    {
      subject: Subjects.postPublished,
      env: postPublishedEnvelope('tenant-a', {
        postId: ids.postId,
        connectionId,
        publishId: ids.publishId,
        tiktokPostIds: [ids.videoId],
      }),
    },
  ]
  const a = { postId: randomUUID(), publishId: 'v_pub_file~v2-1.1001', videoId: '7300000000000000001' }
  const b = { postId: randomUUID(), publishId: 'v_pub_file~v2-1.1002', videoId: '7300000000000000002' }

  const eventsA = eventsFor(a)
  for (const e of eventsA) await publishRaw(ctx.app, e.subject, e.env)
  const reversedTwice = [...eventsFor(b, 1)].reverse().flatMap((e) => [e, e])
  for (const e of reversedTwice) await publishRaw(ctx.app, e.subject, e.env)
  t.ok(await waitUntil(async () => (await processed()) === before + 6), 'six distinct envelopes applied')
  const first = await fingerprint(ctx.app, a)
  t.equal(first.length, 3, 'post, link and video stored')
  t.same(
    await fingerprint(ctx.app, b),
    first,
    'reversed and duplicated events, with the webhook in the v1 shape, gave the same rows',
  )

  // the same envelopes again (a redelivery): skipped by their ids
  for (const e of eventsA) await publishRaw(ctx.app, e.subject, e.env)
  // the same facts under new envelope ids (a publisher retrying after a lost ack): applied, no change
  for (const e of eventsFor(a)) await publishRaw(ctx.app, e.subject, e.env)
  t.ok(
    await waitUntil(async () => (await processed()) === before + 9),
    'only the three new envelope ids were applied',
  )
  await new Promise((r) => setTimeout(r, 200))
  t.equal(await processed(), before + 9, 'no redelivered envelope was applied twice')
  t.same(await fingerprint(ctx.app, a), first, 'and the stored data did not change')
})

t.test('a disconnect that arrives before an older connect leaves the account stale', async (t) => {
  const ctx = await build(t)
  const connectionId = randomUUID()
  const connectedAt = new Date(Date.now() - 60_000)
  const connected = createEnvelope({
    type: Subjects.connectionConnected,
    tenantId: 'tenant-b',
    occurredAt: connectedAt,
    data: {
      connectionId,
      provider: 'tiktok',
      openId: 'open-1',
      scopes: ['video.list'],
      userId: 'u',
      reconnected: false,
    },
  })
  const disconnected = createEnvelope({
    type: Subjects.connectionDisconnected,
    tenantId: 'tenant-b',
    data: { connectionId, status: 'disconnected', initiatedBy: 'user' },
  })
  await ctx.app.nats.bus.publish(Subjects.connectionDisconnected, disconnected)
  await ctx.app.nats.bus.publish(Subjects.connectionConnected, connected)
  const row = async () =>
    (
      await ctx.app.pg<{ status: string; openId: string | null }[]>`
      select status, open_id as "openId" from analytics.connections where id = ${connectionId}`
    )[0]
  const applied = async () =>
    (
      await ctx.app
        .pg`select 1 from analytics.processed_events where event_id in (${connected.id}, ${disconnected.id})`
    ).length === 2
  t.ok(await waitUntil(applied), 'both events applied')
  t.equal((await row())?.openId, 'open-1', 'the late connect filled in the account')
  t.match(await row(), { status: 'stale' }, 'but did not undo the newer disconnect')
})

t.test('a TikTok Shop connection is not tracked (only TikTok accounts have metrics here)', async (t) => {
  const ctx = await build(t)
  const connectionId = randomUUID()
  const connected = createEnvelope({
    type: Subjects.connectionConnected,
    tenantId: 'tenant-c',
    data: {
      connectionId,
      provider: 'tiktok_shop',
      openId: 'seller-1',
      scopes: ['seller.authorization.info'],
      userId: 'u',
      reconnected: false,
    },
  })
  await ctx.app.nats.bus.publish(Subjects.connectionConnected, connected)
  const applied = async () =>
    (await ctx.app.pg`select 1 from analytics.processed_events where event_id = ${connected.id}`).length === 1
  t.ok(await waitUntil(applied), 'the event was consumed')
  t.same(await ctx.app.pg`select id from analytics.connections where id = ${connectionId}`, [])
})
