/**
 * Instagram accounts for analytics tests: emulator accounts connected through the real
 * auth-service, Reels seeded as published in the emulator and announced with
 * `social.post.published` as publish-service sends it (`provider: 'instagram'`,
 * `instagramMediaId`).
 */
import { randomUUID } from 'node:crypto'
import { type Envelope, type PostPublishedV1, Subjects } from '@social-bridge/contracts'
import { createEnvelope } from '@social-bridge/service-kit'
import { connectAccount, createTestIdentities, waitUntil } from '@social-bridge/service-kit/testing'
import { type IgAccount, seedPublishedReel } from '@social-bridge/tiktok-sandbox'
import type { Test } from 'tap'
import { waitTracked } from './accounts.js'
import { INTERNAL_SECRET, type TestContext } from './helper.js'

const identities = createTestIdentities(INTERNAL_SECRET)

/** An Instagram business account connected through auth-service and tracked by analytics. */
export interface InstagramAccount {
  account: IgAccount
  connectionId: string
}

/** Adds an emulator business account, connects it for `tenantId` and waits until analytics tracks it. */
export async function connectInstagram(
  t: Test,
  ctx: TestContext,
  opts: { tenantId?: string; followersCount?: number } = {},
): Promise<InstagramAccount> {
  const account = ctx.sandbox.instagram.addAccount({ followersCount: opts.followersCount ?? 2500 })
  const consent = { approve: (url: string) => ctx.sandbox.instagram.approve(url, account.igUserId) }
  const { connectionId } = await connectAccount(ctx.auth, consent, {
    identities,
    openId: account.igUserId,
    tenantId: opts.tenantId ?? 'tenant-a',
    provider: 'instagram',
  })
  t.ok(await waitTracked(ctx, connectionId), 'the connected event tracked the Instagram account')
  return { account, connectionId }
}

/** `social.post.published` of an Instagram Reel, as publish-service emits it. */
export function reelPublishedEnvelope(
  tenantId: string,
  data: { postId: string; connectionId: string; containerId: string; mediaId: string },
): Envelope<PostPublishedV1> {
  const payload: PostPublishedV1 = {
    postId: data.postId,
    connectionId: data.connectionId,
    publishId: data.containerId,
    tiktokPostIds: [],
    provider: 'instagram',
    instagramMediaId: data.mediaId,
  }
  return createEnvelope({ id: randomUUID(), type: Subjects.postPublished, tenantId, data: payload })
}

/**
 * Seeds `count` Reels published `ageMs` ago on the account in the emulator, announces each with
 * `social.post.published` and waits until analytics tracks them all. @returns the post ids and media.
 */
export async function publishReels(
  t: Test,
  ctx: TestContext,
  ig: InstagramAccount,
  count: number,
  opts: { tenantId?: string; ageMs?: number } = {},
) {
  const tenantId = opts.tenantId ?? 'tenant-a'
  const reels = []
  for (let i = 0; i < count; i++) {
    const media = seedPublishedReel(ctx.sandbox.instagram.store, ig.account.igUserId, {
      ageMs: opts.ageMs ?? 3_600_000,
    })
    const postId = randomUUID()
    await ctx.app.nats.bus.publish(
      Subjects.postPublished,
      reelPublishedEnvelope(tenantId, {
        postId,
        connectionId: ig.connectionId,
        containerId: media.containerId,
        mediaId: media.id,
      }),
    )
    reels.push({ postId, media })
  }
  const ids = reels.map((r) => r.media.id)
  t.ok(
    await waitUntil(async () => {
      const [row] = await ctx.app.pg<{ n: number }[]>`
        select count(*)::int as n from analytics.videos
        where connection_id = ${ig.connectionId} and video_id = any(${ids}::text[])`
      return row?.n === count
    }),
    `analytics tracks the ${count} Reel(s) from social.post.published`,
  )
  return reels
}
