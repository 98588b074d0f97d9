import { statSync } from 'node:fs'
import {
  namespacedStream,
  Streams,
  TIKTOK_WEBHOOK_SUBJECT_PREFIX,
  TikTokWebhookV2,
} from '@social-bridge/contracts'
import { startDurableConsumer } from '@social-bridge/service-kit'
import { sampleClip } from '@social-bridge/service-kit/testing'
import { createClientFor, loginThrough } from '@social-bridge/tiktok-client/testing'
import { createSandbox } from '@social-bridge/tiktok-sandbox'
import t from 'tap'
import { build, CLIENT_KEY, CLIENT_SECRET, sha256Hex, storedMessages, waitUntil } from '../../helper.js'

const CLIP = await sampleClip('clip-15s-vertical.mp4')
const REDIRECT_URI = 'http://127.0.0.1:3000/callback'

t.test(
  'the webhooks of a full publish flow and a revoke each land once in the stream and reach a durable consumer once',
  async (t) => {
    const app = await build(t)
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    const received: { id: string; subject: string }[] = []
    const consumer = await startDurableConsumer<TikTokWebhookV2>({
      nc: app.nats.nc,
      namespace: app.nats.namespace,
      stream: Streams.tiktokWebhooks,
      durableName: 'flow-test',
      filterSubject: `${TIKTOK_WEBHOOK_SUBJECT_PREFIX}.>`,
      payloadSchema: TikTokWebhookV2,
      ackWaitMs: 1000,
      handler: async (envelope, ctx) => {
        received.push({ id: envelope.id, subject: ctx.subject })
      },
    })
    const sandbox = await createSandbox({
      webhookUrl: `${address}/webhooks/tiktok`,
      settings: { processingDelayMs: 0, publiclyAvailableDelayMs: 0, webhookRetryBaseDelayMs: 50 },
    })
    const client = createClientFor(sandbox, {
      clientKey: CLIENT_KEY,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
    })
    t.teardown(async () => {
      await consumer.stop()
      await client.close()
      await sandbox.close()
    })

    // connect (Login Kit), direct-post a public video by FILE_UPLOAD, then revoke the grant
    const user = sandbox.addUser({ private: false })
    const tokens = await loginThrough(sandbox, client, {
      openId: user.openId,
      scopes: ['user.info.basic', 'video.publish'],
    })
    const init = await client.posting.initDirectPost(tokens.accessToken, {
      postInfo: { privacyLevel: 'PUBLIC_TO_EVERYONE' },
      source: { source: 'FILE_UPLOAD', videoSize: statSync(CLIP).size },
    })
    await client.transfer.uploadVideo({
      uploadUrl: init.uploadUrl!,
      chunkPlan: init.chunkPlan!,
      source: CLIP,
    })
    const published = () =>
      sandbox
        .webhookDeliveries()
        .some((d) => d.event === 'post.publish.publicly_available' && d.state === 'delivered')
    t.ok(await waitUntil(published), 'the post became publicly available and its webhook was delivered')
    await client.oauth.revokeAccessToken(tokens.accessToken)
    const deliveries = () => sandbox.webhookDeliveries()
    t.ok(
      await waitUntil(() => deliveries().length === 3 && deliveries().every((d) => d.state === 'delivered')),
    )

    const stored = await storedMessages(app.nats.namespace)
    t.same(
      deliveries().map((d) => d.event),
      ['post.publish.complete', 'post.publish.publicly_available', 'authorization.removed'],
    )
    t.equal(stored.length, 3, 'one message per delivered event')
    for (const d of deliveries()) {
      const copies = stored.filter((m) => m.msgId === sha256Hex(d.body))
      t.equal(copies.length, 1, `${d.event} is stored exactly once`)
      t.equal(copies[0]?.subject, `tiktok.webhook.${d.event}`)
      t.equal(copies[0]?.envelope.data.userOpenId, user.openId)
    }
    const available = stored.find((m) => m.subject === 'tiktok.webhook.post.publish.publicly_available')
    t.equal(available?.envelope.version, 2, 'the normalised payload')
    t.equal(available?.envelope.data.content.publishId, init.publishId)
    t.equal(available?.envelope.data.content.publishType, 'DIRECT_POST')
    t.equal(
      available?.envelope.data.content.postId,
      sandbox.getPublish(init.publishId)?.postIds[0],
      'the 19-digit post id (a JSON number from TikTok) is stored as its exact string',
    )
    t.equal(available?.envelope.data.content.raw.post_id, available?.envelope.data.content.postId)
    t.same(stored.find((m) => m.subject === 'tiktok.webhook.authorization.removed')?.envelope.data.content, {
      reason: 5,
      raw: { reason: 5 },
    })

    t.ok(await waitUntil(() => received.length === 3), 'the consumer got every event')
    const stream = namespacedStream(app.nats.namespace, Streams.tiktokWebhooks).name
    const consumerInfo = () => app.nats.jsm.consumers.info(stream, 'flow-test')
    // every delivered message acknowledged: none can come back after ack_wait
    t.ok(
      await waitUntil(async () => {
        const info = await consumerInfo()
        return info.num_ack_pending === 0 && info.ack_floor.stream_seq === stored.length
      }),
      'the consumer acked all three',
    )
    t.same(received.map((r) => r.id).sort(), stored.map((m) => m.msgId).sort(), 'each event once, none twice')
    t.same(received.map((r) => r.subject).sort(), stored.map((m) => m.subject).sort())
    const info = await consumerInfo()
    t.equal(info.num_redelivered, 0)
    t.equal(info.delivered.stream_seq, stored.length, 'nothing delivered beyond the stored events')
  },
)
