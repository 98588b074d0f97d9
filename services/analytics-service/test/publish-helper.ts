/**
 * Plays publish-service and webhook-ingest for tests: a real Direct Post through the sandbox
 * (init + chunked upload of a sample clip), then the events those services would publish —
 * `social.post.published` and the verified `tiktok.webhook.post.publish.publicly_available` (v2).
 */
import { createHash, randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { createAuthClient } from '@social-bridge/auth-client'
import {
  type Envelope,
  type PostPublishedV1,
  Subjects,
  TIKTOK_WEBHOOK_VERSION,
  type TikTokWebhookV2,
  tiktokWebhookSubject,
} from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import { sampleClip } from '@social-bridge/service-kit/testing'
import { createTikTokClient, parseWebhookEvent } from '@social-bridge/tiktok-client'
import type { Sandbox } from '@social-bridge/tiktok-sandbox'
import { INTERNAL_SECRET, type TestContext, waitUntil } from './helper.js'

/** Publishes a public video on the account through the sandbox's Content Posting API; returns its publish_id. */
export async function directPost(ctx: TestContext, connectionId: string): Promise<string> {
  const authClient = createAuthClient({
    baseUrl: ctx.config.AUTH_SERVICE_URL,
    internalJwtSecret: INTERNAL_SECRET,
    service: 'publish-service',
  })
  const tiktok = createTikTokClient({
    clientKey: ctx.sandbox.clientKey,
    clientSecret: 'x',
    apiBaseUrl: ctx.sandbox.url,
  })
  try {
    const { accessToken } = await authClient.getAccessToken(connectionId)
    const clip = await sampleClip('clip-15s-vertical.mp4')
    const videoSize = (await stat(clip)).size
    const init = await tiktok.posting.initDirectPost(accessToken, {
      postInfo: { privacyLevel: 'PUBLIC_TO_EVERYONE', title: 'launch day' },
      source: { source: 'FILE_UPLOAD', videoSize },
    })
    await tiktok.transfer.uploadVideo({
      uploadUrl: init.uploadUrl!,
      chunkPlan: init.chunkPlan!,
      source: clip,
    })
    return init.publishId
  } finally {
    await tiktok.close()
    await authClient.close()
  }
}

/** The sandbox's publicly_available webhook for `publishId` as webhook-ingest publishes it (envelope id = SHA-256 of the raw body). */
export async function publiclyAvailableEnvelope(
  sandbox: Sandbox,
  publishId: string,
): Promise<Envelope<TikTokWebhookV2>> {
  let body = ''
  await waitUntil(() => {
    const d = sandbox
      .webhookDeliveries()
      .find((w) => w.event === 'post.publish.publicly_available' && w.content.publish_id === publishId)
    body = d?.body ?? ''
    return Boolean(d)
  }, 20_000)
  if (!body) throw new Error(`no publicly_available webhook for ${publishId}`)
  const event = parseWebhookEvent(body)
  return createEnvelope({
    id: createHash('sha256').update(body).digest('hex'),
    type: tiktokWebhookSubject(event.event),
    tenantId: null,
    version: TIKTOK_WEBHOOK_VERSION,
    data: {
      clientKey: event.clientKey,
      event: event.event,
      createTime: event.createTime,
      userOpenId: event.userOpenId,
      content: event.content,
      receivedAt: new Date().toISOString(),
    },
  })
}

/** A `social.post.published` envelope as publish-service emits it. */
export function postPublishedEnvelope(
  tenantId: string,
  data: PostPublishedV1,
  id = randomUUID(),
): Envelope<PostPublishedV1> {
  return createEnvelope({ id, type: Subjects.postPublished, tenantId, data })
}
