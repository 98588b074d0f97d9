import { randomBytes } from 'node:crypto'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import {
  type Envelope,
  namespacedStream,
  namespacedSubject,
  Streams,
  Subjects,
  type TikTokWebhookV1,
  type TikTokWebhookV2,
  tiktokWebhookSubject,
} from '@social-bridge/contracts'
import { createEnvelope, createEventBus } from '@social-bridge/service-kit'
import { readEvents, TEST_NATS_URL } from '@social-bridge/service-kit/testing'
import t from 'tap'
import { WEBHOOK_DURABLE } from '../../src/workers/webhook-consumer.js'
import { buildStack, holdProcessing, postClip, waitForPost, waitUntil } from '../helper.js'

// Polling so slow that only the `tiktok.webhook` event can move the post within the test.
const TEN_MINUTES = 600_000
const stack = await buildStack(t, {
  config: { POLL_INITIAL_INTERVAL_MS: TEN_MINUTES, POLL_MAX_INTERVAL_MS: TEN_MINUTES },
})
const nc = await connect({ servers: TEST_NATS_URL })
t.teardown(() => nc.close())
const webhookStream = namespacedStream(stack.namespace, Streams.tiktokWebhooks).name
const completeSubject = tiktokWebhookSubject('post.publish.complete')

/** The `post.publish.complete` envelope stored for `publishId` (as webhook-ingest published it). */
async function storedCompleteEvent(publishId: string): Promise<Envelope<TikTokWebhookV2>> {
  const consumer = await jetstream(nc).consumers.get(webhookStream, {
    filter_subjects: namespacedSubject(stack.namespace, completeSubject),
  })
  for (;;) {
    const msg = await consumer.next({ expires: 1000 })
    if (!msg) throw new Error('no post.publish.complete event stored')
    const env = msg.json<Envelope<TikTokWebhookV2>>()
    if (env.data.content.publishId === publishId) return env
  }
}

/** Resolves once the service's durable consumer acked everything up to stream sequence `seq`. */
async function consumedUpTo(seq: number) {
  const jsm = await jetstreamManager(nc)
  return waitUntil(async () => {
    const info = await jsm.consumers.info(webhookStream, WEBHOOK_DURABLE)
    return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0
  })
}

t.test(
  'a post.publish.complete webhook publishes the post without a status poll; a duplicate is a no-op',
  async (t) => {
    const { res } = await postClip(stack)
    const id = res.json().id as string
    const p = await waitForPost(stack.app, id, (x) => x.status === 'published' || x.status === 'failed')
    t.equal(p.status, 'published', String(p.failReason))
    t.equal(
      stack.sandbox.requestLog().filter((e) => e.endpoint === 'status.fetch').length,
      0,
      'TikTok was never polled',
    )
    const history = p.history as { to: string; cause: string }[]
    t.match(history.at(-1), { to: 'published', cause: 'webhook' })

    // TikTok retries a delivery with a fresh signature: webhook-ingest stores it under a new id.
    const original = await storedCompleteEvent(p.publishId as string)
    const bus = createEventBus(nc, stack.namespace)
    const again = await bus.publish(completeSubject, { ...original, id: randomBytes(32).toString('hex') })
    t.equal(again.duplicate, false, 'the duplicate reaches the consumer')
    t.ok(await consumedUpTo(again.seq), 'and is consumed')
    const after = await waitForPost(stack.app, id, () => true)
    t.same(after.history, p.history, 'no new history entry')
    t.equal(after.updatedAt, p.updatedAt, 'the post was not written')
    const events = await readEvents(stack.namespace, Subjects.postPublished)
    t.equal(
      events.filter((e) => (e.data as { postId: string }).postId === id).length,
      1,
      'published emitted once',
    )
  },
)

t.test('a post.publish.failed stored in the v1 shape before the upgrade is still applied', async (t) => {
  holdProcessing(stack, t, 10_000) // TikTok's own verdict comes after the v1 event
  const { res } = await postClip(stack)
  const id = res.json().id as string
  const processing = await waitForPost(stack.app, id, (x) => x.status === 'processing')
  t.equal(processing.status, 'processing')
  const failed = createEnvelope<TikTokWebhookV1>({
    type: tiktokWebhookSubject('post.publish.failed'),
    tenantId: null,
    version: 1,
    id: randomBytes(32).toString('hex'),
    data: {
      clientKey: stack.sandbox.clientKey,
      event: 'post.publish.failed',
      createTime: Math.floor(Date.now() / 1000),
      content: {
        publish_id: processing.publishId,
        reason: 'file_format_check_failed',
        publish_type: 'DIRECT_POST',
      },
      receivedAt: new Date().toISOString(),
    },
  })
  await createEventBus(nc, stack.namespace).publish(failed.type, failed)

  const p = await waitForPost(stack.app, id, (x) => x.status === 'failed' || x.status === 'published')
  t.match(p, { status: 'failed', failReason: 'file_format_check_failed' })
  t.match((p.history as { cause: string }[]).at(-1), { to: 'failed', cause: 'webhook' })
})
