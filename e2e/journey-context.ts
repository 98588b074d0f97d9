import { randomUUID } from 'node:crypto'
import type { Media, Post } from '@social-bridge/contracts'
import { sampleClip } from '@social-bridge/service-kit/testing'
import {
  type Answer,
  call,
  connectThroughGateway,
  DEV_TIKTOK,
  pollUntil,
  startTestStack,
  type TestStack,
} from '@social-bridge/stack'
import type { Test } from 'tap'

export const CLIP_40 = await sampleClip('clip-40s-vertical.mp4')
export const CLIP_15 = await sampleClip('clip-15s-vertical.mp4')
/** The smallest sample (under 1 MB): for uploads whose content does not matter. */
export const CLIP_8_WEBM = await sampleClip('clip-8s-vertical.webm')

/** The running stack with the demo tenant's admin and its connected sandbox creator. */
export interface Journey {
  stack: TestStack
  /** The demo tenant's admin JWT. */
  admin: string
  /** `open_id` of the connected sandbox creator. */
  creator: string
  connectionId: string
  /** `POST /v1/media` of a sample file, as `token` (default the admin). */
  uploadMedia(path: string, token?: string): Promise<Answer<Media>>
  /** `POST /v1/posts` on the connection with a fresh Idempotency-Key; `json` overrides the body. */
  createPost(json: Record<string, unknown>, token?: string): Promise<Answer<Post>>
  /** Polls `GET /v1/posts/:id` until `done` holds or the post failed. */
  followPost(id: string, done: (p: Post) => boolean): Promise<Post>
  /** Offers a published post to `publishedPost` so it need not publish another. */
  rememberPublished(post: Post): void
  /**
   * A published post of the tenant that analytics-service knows (its `GET /v1/analytics/posts/:id`
   * answers 200): the one remembered, or a PULL_FROM_URL post made on first use. Lets a test
   * run without the tests before it.
   */
  publishedPost(): Promise<Post>
}

/** Starts the stack and connects the first sandbox creator for the demo tenant's admin. */
export async function startJourney(t: Test): Promise<Journey> {
  const stack = await startTestStack(t)
  const admin = await stack.jwt()
  const creator = DEV_TIKTOK.users[0]?.openId ?? ''
  const connected = await connectThroughGateway({
    gateway: stack.gateway,
    sandbox: stack.sandbox,
    token: admin,
    openId: creator,
  })
  if (connected.outcome !== 'connected' || !connected.connectionId) {
    throw new Error(`connecting ${creator} failed: ${JSON.stringify(connected)}`)
  }
  const connectionId = connected.connectionId
  const type = (path: string) => (path.endsWith('.webm') ? 'video/webm' : 'video/mp4')
  let published: Promise<Post> | undefined

  const j: Journey = {
    stack,
    admin,
    creator,
    connectionId,
    uploadMedia: (path, token = admin) =>
      call<Media>('POST', `${stack.gateway}/media`, { token, file: { path, type: type(path) } }),
    createPost: (json, token = admin) =>
      call<Post>('POST', `${stack.gateway}/posts`, {
        token,
        headers: { 'idempotency-key': randomUUID() },
        json: { connectionId, privacyLevel: 'PUBLIC_TO_EVERYONE', ...json },
      }),
    followPost: (id, done) =>
      pollUntil(
        async () => (await call<Post>('GET', `${stack.gateway}/posts/${id}`, { token: admin })).body,
        (p) => done(p) || p.status === 'failed',
      ),
    rememberPublished: (post) => {
      published ??= Promise.resolve(post)
    },
    publishedPost: async () => {
      published ??= publishOne(j)
      const post = await published
      await pollUntil(
        () => call('GET', `${stack.gateway}/analytics/posts/${post.id}`, { token: admin }),
        (res) => res.status === 200,
      )
      return post
    },
  }
  return j
}

async function publishOne(j: Journey): Promise<Post> {
  const url = `${DEV_TIKTOK.verifiedPrefix}clip-15s-vertical.mp4`
  const post = await j.createPost({ mode: 'direct', source: { url } })
  if (post.status !== 202) throw new Error(`creating a post answered ${post.status}`)
  const done = await j.followPost(post.body.id, (p) => p.status === 'published' && p.tiktokPostIds.length > 0)
  if (done.status !== 'published') throw new Error(`the post ended ${done.status} ${done.failReason ?? ''}`)
  return done
}
