/**
 * `pnpm demo`: the CRM's main journey against a running `pnpm start` — connect a sandbox
 * TikTok account through OAuth, upload clip-40s-vertical.mp4 (`DEMO_VIDEO`, else the one in
 * ../shared/media when it is there, else the one @social-bridge/service-kit/testing makes), publish it as a
 * direct post, follow it to `published`, show the webhooks TikTok sent, and the analytics.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ConnectionAnalytics, CreatorInfo, Media, Post, PostAnalytics } from '@social-bridge/contracts'
import { sampleClip } from '@social-bridge/service-kit/testing'
import {
  connectThroughGateway,
  DEV_TIKTOK,
  devJwt,
  loadDevSecrets,
  PORTS,
  SHARED_MEDIA_DIR,
  url,
} from '@social-bridge/stack'
import { request } from 'undici'
import { createGatewayClient } from './demo-client.js'

const gateway = `${url(PORTS.gateway)}/v1`
const sandbox = url(PORTS.sandbox)
const shared = SHARED_MEDIA_DIR && resolve(SHARED_MEDIA_DIR, 'clip-40s-vertical.mp4')
const video =
  process.env.DEMO_VIDEO ??
  (shared && existsSync(shared) ? shared : await sampleClip('clip-40s-vertical.mp4'))
const step = (n: number, text: string) => console.log(`\n${n}. ${text}`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function followPost(api: ReturnType<typeof createGatewayClient>, id: string): Promise<Post> {
  let last = ''
  for (let i = 0; i < 240; i++) {
    const { body: post } = await api.call<Post>('GET', `/posts/${id}`)
    const line = `${post.status}${post.totalBytes ? ` (${post.uploadedBytes}/${post.totalBytes} bytes)` : ''}${post.tiktokPostIds.length ? ` post id ${post.tiktokPostIds.join(',')}` : ''}`
    if (line !== last) console.log(`   ${new Date().toISOString().slice(11, 19)} ${line}`)
    last = line
    if (post.status === 'failed') throw new Error(`post failed: ${post.failReason}: ${post.failMessage}`)
    if (post.status === 'published' && post.tiktokPostIds.length > 0) return post
    await sleep(500)
  }
  throw new Error('post did not reach published with a post id within 2 minutes')
}

async function main(): Promise<void> {
  const token = await devJwt(loadDevSecrets())
  const api = createGatewayClient(gateway, token)

  step(1, 'Connect a TikTok account (OAuth through the sandbox)')
  const connected = await connectThroughGateway({
    gateway,
    sandbox,
    token,
    openId: DEV_TIKTOK.users[0]?.openId ?? '',
  })
  if (connected.outcome !== 'connected' || !connected.connectionId) {
    throw new Error(`connect failed: ${JSON.stringify(connected)}`)
  }
  const connectionId = connected.connectionId
  console.log(
    `   TikTok's consent page was approved for ${DEV_TIKTOK.users[0]?.displayName}; connection ${connectionId}`,
  )

  step(2, `Upload ${video}`)
  const { body: media } = await api.call<Media>('POST', '/media', {
    file: { path: video, type: 'video/mp4' },
  })
  console.log(
    `   media ${media.id}: ${media.sizeBytes} bytes, ${media.durationSec?.toFixed(1)} s, ${media.width}x${media.height}, sha256 ${media.sha256.slice(0, 12)}…`,
  )

  step(3, 'Read creator info and publish as a direct post')
  const { body: creator } = await api.call<CreatorInfo>('GET', `/connections/${connectionId}/creator-info`)
  const privacyLevel = creator.privacyLevelOptions.includes('PUBLIC_TO_EVERYONE')
    ? 'PUBLIC_TO_EVERYONE'
    : creator.privacyLevelOptions[0]
  console.log(
    `   creator ${creator.creatorNickname}; privacy options ${creator.privacyLevelOptions.join(', ')}; max ${creator.maxVideoPostDurationSec} s`,
  )
  const { body: post } = await api.call<Post>('POST', '/posts', {
    headers: { 'idempotency-key': randomUUID() },
    json: {
      connectionId,
      mode: 'direct',
      source: { mediaId: media.id },
      title: 'Social Bridge demo #socialbridge',
      privacyLevel,
      brandContentToggle: false,
      brandOrganicToggle: false,
    },
  })
  console.log(`   post ${post.id} accepted (202), status ${post.status}`)

  step(4, 'Follow the post until TikTok has processed it')
  const done = await followPost(api, post.id)
  console.log(`   published: publish_id ${done.publishId}, TikTok post ${done.tiktokPostIds.join(', ')}`)

  step(5, 'Webhooks TikTok sent to webhook-ingest')
  const deliveries = (await (await request(`${sandbox}/_sandbox/webhooks`)).body.json()) as {
    event: string
    content: Record<string, unknown>
    attempts: { status?: number }[]
  }[]
  for (const d of deliveries.filter((d) => d.content.publish_id === done.publishId)) {
    console.log(`   ${d.event} → HTTP ${d.attempts.at(-1)?.status ?? '?'}`)
  }

  step(6, 'Sync analytics and show them')
  await api
    .call('POST', `/analytics/connections/${connectionId}/sync`)
    .catch((e) => console.log(`   ${(e as Error).message}`))
  let analytics: PostAnalytics | undefined
  for (let i = 0; i < 60 && !analytics?.latest; i++) {
    analytics = (await api.call<PostAnalytics>('GET', `/analytics/posts/${post.id}`)).body
    if (!analytics.latest) await sleep(500)
  }
  console.log(
    `   post: ${JSON.stringify(analytics?.latest)} engagement rate ${analytics?.engagementRate ?? 'n/a'}`,
  )
  const { body: account } = await api.call<ConnectionAnalytics>(
    'GET',
    `/analytics/connections/${connectionId}`,
  )
  console.log(`   account: ${JSON.stringify(account.latest)}; totals ${JSON.stringify(account.totals)}`)
  console.log('\nDemo complete.')
}

main().catch((err) => {
  console.error(`\nDemo failed: ${(err as Error).message}`)
  process.exit(1)
})
