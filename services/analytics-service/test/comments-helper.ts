/**
 * Instagram comments in tests: an Instagram account tracked by analytics-service (seeded as the
 * `connected` event would, or connected through auth-service), a Reel seeded in the emulator's
 * store, and the events publish-service and webhook-ingest publish.
 */
import { randomUUID } from 'node:crypto'
import {
  type Envelope,
  INSTAGRAM_WEBHOOK_VERSION,
  InstagramWebhookFilters,
  type InstagramWebhookV1,
  type PostPublishedV1,
  Subjects,
} from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import { connectAccount, createTestIdentities } from '@social-bridge/service-kit/testing'
import { type IgMedia, seedPublishedReel } from '@social-bridge/tiktok-sandbox'
import { INTERNAL_SECRET, type TestContext } from './helper.js'

/** Connects the emulator's Instagram account `igUserId` for `tenantId` through auth-service's real OAuth. */
export async function connectInstagram(
  ctx: TestContext,
  igUserId: string,
  tenantId: string,
): Promise<string> {
  const consent = { approve: (url: string) => ctx.sandbox.instagram.approve(url, igUserId) }
  const identities = createTestIdentities(INTERNAL_SECRET)
  return (
    await connectAccount(ctx.auth, consent, { identities, openId: igUserId, tenantId, provider: 'instagram' })
  ).connectionId
}

/** Tracks an Instagram account for `tenantId` as a `social.connection.connected` event would. */
export async function trackInstagram(ctx: TestContext, igUserId: string, tenantId: string): Promise<string> {
  const id = randomUUID()
  await ctx.app.analytics.connections.trackConnected(ctx.app.pg, {
    id,
    tenantId,
    provider: 'instagram',
    openId: igUserId,
    scopes: ['instagram_business_basic', 'instagram_business_manage_comments'],
    occurredAt: new Date(),
    now: ctx.app.analytics.clock(),
  })
  return id
}

/** A published Reel of `igUserId` in the emulator's store (publishing is another module). */
export function seedReel(ctx: TestContext, igUserId: string): IgMedia {
  return seedPublishedReel(ctx.sandbox.instagram.store, igUserId)
}

/**
 * `social.post.published` of an Instagram post: `provider` and `instagramMediaId` as the
 * Instagram publishing work adds them to `PostPublishedV1` (docs/instagram-api.md "Comments").
 */
export async function publishInstagramPost(
  ctx: TestContext,
  input: { tenantId: string; connectionId: string; mediaId: string; postId?: string },
): Promise<string> {
  const postId = input.postId ?? randomUUID()
  const data = {
    postId,
    connectionId: input.connectionId,
    publishId: `ig-container-${input.mediaId}`,
    tiktokPostIds: [],
    provider: 'instagram',
    instagramMediaId: input.mediaId,
  } as PostPublishedV1
  await ctx.app.nats.bus.publish(
    Subjects.postPublished,
    createEnvelope({ type: Subjects.postPublished, tenantId: input.tenantId, data }),
  )
  return postId
}

/** `instagram.webhook.comments` as webhook-ingest publishes it for one comment. */
export function commentEvent(input: {
  igUserId: string
  commentId: string
  mediaId: string
  text?: string
  username?: string
  timeSec?: number
  id?: string
}): Envelope<InstagramWebhookV1> {
  const time = input.timeSec ?? Math.floor(Date.now() / 1000)
  const value = {
    id: input.commentId,
    text: input.text ?? 'Nice!',
    from: { id: '9000', username: input.username ?? 'fan' },
    media: { id: input.mediaId, media_product_type: 'REELS' },
  }
  return createEnvelope({
    id: input.id ?? randomUUID(),
    type: InstagramWebhookFilters.comments,
    version: INSTAGRAM_WEBHOOK_VERSION,
    tenantId: null,
    occurredAt: new Date(time * 1000),
    data: {
      object: 'instagram',
      igUserId: input.igUserId,
      time,
      field: 'comments',
      value,
      comment: {
        id: input.commentId,
        mediaId: input.mediaId,
        mediaProductType: 'REELS',
        text: value.text,
        fromId: '9000',
        username: value.from.username,
      },
      receivedAt: new Date().toISOString(),
    },
  })
}
