import t from 'tap'
import { asUser, buildStack, createPost, media, uploadMedia, VERIFIED_PREFIX } from '../../helper.js'

// One stack, no worker: every refusal here must happen before TikTok is asked to post.
const stack = await buildStack(t, { worker: false })
const publicUser = await stack.connect({ maxVideoPostDurationSec: 300 })
const privateUser = await stack.connect({ private: true, commentDisabled: true })
const shortUser = await stack.connect({ maxVideoPostDurationSec: 10 })
const stitchOff = await stack.connect({ private: true }) // comments allowed; duets and stitches off
const clip15 = (await uploadMedia(stack.app, media('clip-15s-vertical.mp4'))).json().id as string

const postingCalls = () =>
  stack.sandbox.requestLog().filter((e) => ['video.init', 'inbox.init', 'upload'].includes(e.endpoint)).length

t.test('a privacy level outside the creator options is refused with PRIVACY_LEVEL_NOT_ALLOWED', async (t) => {
  const res = await createPost(stack.app, {
    connectionId: privateUser.connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
    privacyLevel: 'PUBLIC_TO_EVERYONE',
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().error.code, 'PRIVACY_LEVEL_NOT_ALLOWED')
  t.same(res.json().error.details.privacyLevelOptions, [
    'FOLLOWER_OF_CREATOR',
    'MUTUAL_FOLLOW_FRIENDS',
    'SELF_ONLY',
  ])
  t.equal(postingCalls(), 0)
})

t.test('a direct post without a privacy level is refused: there is no default', async (t) => {
  const res = await createPost(stack.app, {
    connectionId: publicUser.connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
  })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error.code, 'VALIDATION_FAILED')
  t.match(res.json().error.message, /privacyLevel/)
})

t.test(
  'an inbox draft takes no privacy level (REFERENCE §3.3); one sent is ignored, not checked or stored',
  async (t) => {
    const headers = await asUser()
    const without = await createPost(stack.app, {
      connectionId: privateUser.connectionId,
      mode: 'inbox',
      source: { mediaId: clip15 },
    })
    t.equal(without.statusCode, 202, without.body)
    t.equal(without.json().privacyLevel, null)
    // PUBLIC_TO_EVERYONE is not among this private account's options: a direct post gets 422
    // (first test), an inbox draft is not refused for a level TikTok never receives.
    const ignored = await createPost(stack.app, {
      connectionId: privateUser.connectionId,
      mode: 'inbox',
      source: { mediaId: clip15 },
      privacyLevel: 'PUBLIC_TO_EVERYONE',
    })
    t.equal(ignored.statusCode, 202, ignored.body)
    t.equal(ignored.json().privacyLevel, null, 'the answer shows that no privacy level applies')
    for (const id of [without.json().id, ignored.json().id]) {
      const read = await stack.app.inject({ method: 'GET', url: `/posts/${id}`, headers })
      t.equal(read.json().privacyLevel, null)
      const [row] = await stack.app.sql`select privacy_level from publish.posts where id = ${id}`
      t.equal(row?.privacy_level, null, 'nothing stored')
    }
    const direct = await createPost(stack.app, {
      connectionId: publicUser.connectionId,
      mode: 'direct',
      source: { mediaId: clip15 },
      privacyLevel: 'MUTUAL_FOLLOW_FRIENDS',
    })
    t.equal(direct.statusCode, 202, direct.body)
    t.equal(direct.json().privacyLevel, 'MUTUAL_FOLLOW_FRIENDS', 'a direct post keeps its level')
  },
)

t.test(
  'enabling comments the creator disabled is refused with INTERACTION_DISABLED_BY_CREATOR',
  async (t) => {
    const res = await createPost(stack.app, {
      connectionId: privateUser.connectionId,
      mode: 'direct',
      source: { mediaId: clip15 },
      privacyLevel: 'SELF_ONLY',
      disableComment: false,
    })
    t.equal(res.statusCode, 422)
    t.equal(res.json().error.code, 'INTERACTION_DISABLED_BY_CREATOR')
    t.equal(res.json().error.details.interaction, 'comment')
  },
)

t.test('enabling duets on a private account (duets disabled) is refused', async (t) => {
  const res = await createPost(stack.app, {
    connectionId: privateUser.connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
    privacyLevel: 'SELF_ONLY',
    disableDuet: false,
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().error.details.interaction, 'duet')
})

t.test('enabling stitches the creator disabled is refused and nothing is stored or sent', async (t) => {
  const headers = await asUser()
  const listed = async () =>
    (
      await stack.app.inject({ method: 'GET', url: `/posts?connectionId=${stitchOff.connectionId}`, headers })
    ).json().items.length
  const res = await createPost(stack.app, {
    connectionId: stitchOff.connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
    privacyLevel: 'SELF_ONLY',
    disableStitch: false,
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().error.code, 'INTERACTION_DISABLED_BY_CREATOR')
  t.equal(res.json().error.details.interaction, 'stitch')
  t.match(res.json().error.message, /turned off stitches/)
  t.equal(await listed(), 0, 'no post stored')
  t.equal(postingCalls(), 0)
  const ok = await createPost(stack.app, {
    connectionId: stitchOff.connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
    privacyLevel: 'SELF_ONLY',
  })
  t.equal(ok.statusCode, 202, 'leaving stitches off is accepted')
})

t.test('a video longer than max_video_post_duration_sec is refused with VIDEO_TOO_LONG', async (t) => {
  const res = await createPost(stack.app, {
    connectionId: shortUser.connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
    privacyLevel: 'SELF_ONLY',
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().error.code, 'VIDEO_TOO_LONG')
  t.equal(res.json().error.details.maxVideoPostDurationSec, 10)
})

t.test('a title over 2,200 UTF-16 units is refused with TITLE_TOO_LONG, counting emoji as two', async (t) => {
  const title = '😀'.repeat(1101) // 1,101 code points, 2,202 UTF-16 units
  const res = await createPost(stack.app, {
    connectionId: publicUser.connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
    privacyLevel: 'SELF_ONLY',
    title,
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().error.code, 'TITLE_TOO_LONG')
  t.equal(res.json().error.details.length, 2202)
  const ok = await createPost(stack.app, {
    connectionId: publicUser.connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
    privacyLevel: 'SELF_ONLY',
    title: '😀'.repeat(1100),
  })
  t.equal(ok.statusCode, 202, 'exactly 2,200 units is accepted')
})

t.test('a URL outside the verified prefixes is refused before TikTok is called', async (t) => {
  for (const url of [
    'https://elsewhere.example.com/videos/clip.mp4',
    'http://media.social-bridge.test/videos/clip.mp4',
    'https://93.184.216.34/videos/clip.mp4',
    `${VERIFIED_PREFIX.replace('/videos/', '/other/')}clip.mp4`,
  ]) {
    const res = await createPost(stack.app, {
      connectionId: publicUser.connectionId,
      mode: 'direct',
      source: { url },
      privacyLevel: 'SELF_ONLY',
    })
    t.equal(res.statusCode, 422, url)
    t.equal(res.json().error.code, 'URL_NOT_VERIFIED', url)
  }
  t.equal(postingCalls(), 0, 'the sandbox saw no init')
})

t.test("another tenant's connection, media and post answer 404", async (t) => {
  const other = await stack.connect({}, 'tenant-b')
  const res = await createPost(stack.app, {
    connectionId: other.connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
    privacyLevel: 'SELF_ONLY',
  })
  t.equal(res.statusCode, 404, 'connection of tenant-b')
  const bHeaders = await asUser({ tenantId: 'tenant-b', userId: 'u-b', roles: ['admin'] })
  const asB = await stack.app.inject({
    method: 'POST',
    url: '/posts',
    headers: bHeaders,
    payload: {
      connectionId: other.connectionId,
      mode: 'direct',
      source: { mediaId: clip15 },
      privacyLevel: 'SELF_ONLY',
    },
  })
  t.equal(asB.statusCode, 404, "tenant-a's media")
  const mine = await createPost(stack.app, {
    connectionId: publicUser.connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
    privacyLevel: 'SELF_ONLY',
  })
  const read = await stack.app.inject({ method: 'GET', url: `/posts/${mine.json().id}`, headers: bHeaders })
  t.equal(read.statusCode, 404, "tenant-a's post")
  const list = await stack.app.inject({ method: 'GET', url: '/posts', headers: bHeaders })
  t.same(list.json().items, [], 'tenant-b lists none of them')
  const info = await stack.app.inject({
    method: 'GET',
    url: `/connections/${other.connectionId}/creator-info`,
    headers: await asUser(),
  })
  t.equal(info.statusCode, 404, "tenant-b's creator info")
})

t.test('creator info is served camelCased from TikTok', async (t) => {
  const res = await stack.app.inject({
    method: 'GET',
    url: `/connections/${privateUser.connectionId}/creator-info`,
    headers: await asUser(),
  })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    privacyLevelOptions: ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
    commentDisabled: true,
    duetDisabled: true,
    stitchDisabled: true,
    maxVideoPostDurationSec: 300,
    creatorUsername: String,
  })
})

t.test('posts are listed newest first with a cursor, filtered by connection', async (t) => {
  const ids: string[] = []
  for (let i = 0; i < 3; i++) {
    const res = await createPost(stack.app, {
      connectionId: shortUser.connectionId,
      mode: 'direct',
      source: {
        mediaId: (await uploadMedia(stack.app, media('clip-8s-vertical.webm'), 'video/webm')).json().id,
      },
      privacyLevel: 'SELF_ONLY',
    })
    ids.push(res.json().id)
  }
  const headers = await asUser()
  const page1 = await stack.app.inject({
    method: 'GET',
    url: `/posts?connectionId=${shortUser.connectionId}&limit=2`,
    headers,
  })
  t.same(
    page1.json().items.map((p: { id: string }) => p.id),
    [ids[2], ids[1]],
  )
  const page2 = await stack.app.inject({
    method: 'GET',
    url: `/posts?connectionId=${shortUser.connectionId}&limit=2&cursor=${page1.json().nextCursor}`,
    headers,
  })
  t.same(
    page2.json().items.map((p: { id: string }) => p.id),
    [ids[0]],
  )
  t.equal(page2.json().nextCursor, null)
})

t.test('a cursor the service did not issue is refused with 400, not read as the first page', async (t) => {
  const headers = await asUser()
  const forged = Buffer.from('yesterday|not-a-post').toString('base64url')
  for (const cursor of ['garbage!', forged, 'Zm9v']) {
    const res = await stack.app.inject({
      method: 'GET',
      url: `/posts?cursor=${encodeURIComponent(cursor)}`,
      headers,
    })
    t.equal(res.statusCode, 400, cursor)
    t.equal(res.json().error.code, 'BAD_REQUEST')
    t.match(res.json().error.message, /cursor/)
    t.match(res.json(), { requestId: String }, 'the shared error shape')
  }
})

t.test("auth-service's refusals answer 409 with its code; its outage 503 with its Retry-After", async (t) => {
  const gone = await stack.connect()
  const admin = await asUser({ tenantId: 'tenant-a', userId: 'u-1', roles: ['admin'] })
  const del = await stack.auth.inject({
    method: 'DELETE',
    url: `/connections/${gone.connectionId}`,
    headers: admin,
  })
  t.equal(del.statusCode, 200)
  const body = (connectionId: string) => ({
    connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
    privacyLevel: 'SELF_ONLY',
  })
  const inactive = await createPost(stack.app, body(gone.connectionId))
  t.equal(inactive.statusCode, 409)
  t.equal(inactive.json().error.code, 'CONNECTION_NOT_ACTIVE')

  const dead = await stack.connect()
  stack.sandbox.expireTokens(dead.openId, { access: true, refresh: true })
  const reauth = await createPost(stack.app, body(dead.connectionId))
  t.equal(reauth.statusCode, 409, 'TikTok rejected the token, then the refresh token')
  t.equal(reauth.json().error.code, 'REAUTH_REQUIRED')

  const stuck = await stack.connect()
  stack.sandbox.expireTokens(stuck.openId, { access: true, refresh: false })
  // the forced refresh and auth-service's two in-request retries
  stack.sandbox.injectFault({ endpoint: 'oauth.token', kind: 'internal_error', status: 503, count: 3 })
  t.teardown(() => stack.sandbox.clearFaults())
  const down = await createPost(stack.app, body(stuck.connectionId))
  t.equal(down.statusCode, 503)
  t.equal(down.json().error.code, 'SERVICE_UNAVAILABLE')
  const retryAfter = Number(down.headers['retry-after'])
  t.ok(retryAfter >= 1 && retryAfter <= 60, `auth-service's Retry-After is passed on (${retryAfter} s)`)
  t.equal(down.json().error.details.retryAfterSec, retryAfter)
  t.equal(postingCalls(), 0, 'nothing was posted')
})

t.test('a cursor naming a time PostgreSQL cannot store is refused with 400, not a 500', async (t) => {
  const headers = await asUser()
  const id = '0b9c7e53-4c1b-4d71-9bb7-1c9b3b1f4d11'
  for (const iso of [
    '0000-01-01T00:00:00.000Z',
    '+010000-01-01T00:00:00.000Z',
    '-000001-01-01T00:00:00.000Z',
  ]) {
    const cursor = Buffer.from(`${iso}|${id}`).toString('base64url')
    const res = await stack.app.inject({ method: 'GET', url: `/posts?cursor=${cursor}`, headers })
    t.equal(res.statusCode, 400, iso)
    t.match(res.json(), { error: { code: 'BAD_REQUEST', message: /cursor/ }, requestId: String })
  }
})

t.test('an id that is not a canonical UUID answers 400 on every id route and id field', async (t) => {
  const headers = await asUser()
  const post = await createPost(stack.app, {
    connectionId: publicUser.connectionId,
    mode: 'direct',
    source: { mediaId: clip15 },
    privacyLevel: 'SELF_ONLY',
  })
  t.equal(post.statusCode, 202)
  const ids = { connection: publicUser.connectionId, media: clip15, post: post.json().id as string }
  const body = (over: Record<string, unknown>) => ({
    connectionId: ids.connection,
    mode: 'direct',
    source: { mediaId: ids.media },
    privacyLevel: 'SELF_ONLY',
    ...over,
  })
  // Each odd form of a real id: `uuid` (JSON Schema format) accepts the URN; PostgreSQL does not.
  const odd = (id: string) => [`urn:uuid:${id}`, `URN:UUID:${id}`, `{${id}}`, id.replaceAll('-', '')]
  type Case = { method: 'GET' | 'POST'; url: string; payload?: object }
  const cases: Case[] = [
    ...odd(ids.connection).flatMap((id): Case[] => [
      { method: 'GET', url: `/connections/${id}/creator-info` },
      { method: 'GET', url: `/connections/${id}/quota` },
      { method: 'GET', url: `/posts?connectionId=${encodeURIComponent(id)}` },
      { method: 'POST', url: '/posts', payload: body({ connectionId: id }) },
    ]),
    ...odd(ids.media).map(
      (id): Case => ({
        method: 'POST',
        url: '/posts',
        payload: body({ source: { mediaId: id } }),
      }),
    ),
    ...odd(ids.post).map((id): Case => ({ method: 'GET', url: `/posts/${id}` })),
  ]
  const before = postingCalls()
  for (const c of cases) {
    const res = await stack.app.inject({ ...c, headers })
    t.equal(res.statusCode, 400, `${c.method} ${c.url} ${JSON.stringify(c.payload ?? '')}`)
    t.match(res.json(), { error: { code: 'VALIDATION_FAILED', message: String }, requestId: String })
  }
  t.equal(postingCalls(), before, 'nothing was sent to TikTok')
})
