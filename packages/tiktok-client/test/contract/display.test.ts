import t from 'tap'
import {
  TikTokApiError,
  TikTokConnectionError,
  TikTokTimeoutError,
  userInfoFieldsForScopes,
  VIDEO_FIELDS,
} from '../../src/index.js'
import { rejectionOf } from '../helpers/rejection.js'
import { login, startHarness } from '../helpers/sandbox.js'

t.test('user info returns the fields the granted scopes allow, in camelCase', async (t) => {
  const h = await startHarness(t)
  const user = h.sandbox.addUser({
    displayName: 'Ann',
    username: 'ann',
    bioDescription: 'hi',
    isVerified: true,
  })
  const { tokens } = await login(h, ['user.info.basic', 'user.info.profile', 'user.info.stats'], user)
  const info = await h.client.display.getUserInfo(tokens.accessToken, userInfoFieldsForScopes(tokens.scopes))
  t.equal(info.openId, user.openId)
  t.equal(info.unionId, user.unionId)
  t.equal(info.displayName, 'Ann')
  t.equal(info.username, 'ann')
  t.equal(info.bioDescription, 'hi')
  t.equal(info.isVerified, true)
  t.type(info.followerCount, 'number')
  t.type(info.videoCount, 'number')
})

t.test('only basic scope: the helper asks for basic fields only and they come back alone', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['user.info.basic'])
  const fields = userInfoFieldsForScopes(tokens.scopes)
  t.same(fields, ['open_id', 'union_id', 'avatar_url', 'avatar_url_100', 'avatar_large_url', 'display_name'])
  const info = await h.client.display.getUserInfo(tokens.accessToken, fields)
  t.same(Object.keys(info).sort(), [
    'avatarLargeUrl',
    'avatarUrl',
    'avatarUrl100',
    'displayName',
    'openId',
    'unionId',
  ])
})

for (const code of ['scope_permission_missed', 'scope_not_authorized'] as const) {
  t.test(`asking for a field of an ungranted scope fails permanently (${code})`, async (t) => {
    const h = await startHarness(t, { settings: { userInfoScopeErrorCode: code } })
    const { tokens } = await login(h, ['user.info.basic'])
    const err = await rejectionOf(
      h.client.display.getUserInfo(tokens.accessToken, ['open_id', 'follower_count']),
    )
    t.ok(err instanceof TikTokApiError)
    t.equal((err as TikTokApiError).tiktokCode, code)
    t.equal((err as TikTokApiError).httpStatus, code === 'scope_not_authorized' ? 401 : 400)
    t.equal((err as TikTokApiError).category, 'permanent')
  })
}

t.test('video list pages by the ms cursor, 20 at most, with has_more and 19-digit string ids', async (t) => {
  const h = await startHarness(t)
  const { user, tokens } = await login(h, ['video.list'])
  const seeded = h.sandbox.seedVideos(user.openId, 25)
  const first = await h.client.display.listVideos(tokens.accessToken, { maxCount: 20 })
  t.equal(first.videos.length, 20)
  t.equal(first.hasMore, true)
  t.same(
    first.videos.map((v) => v.id),
    seeded.slice(0, 20).map((v) => v.id),
  )
  t.ok(first.videos.every((v) => typeof v.id === 'string' && /^\d{19}$/.test(v.id)))
  t.equal(first.cursor, seeded[19]?.createTimeMs, 'cursor is the ms create time of the last video')
  t.equal(
    first.videos[0]?.createTime,
    Math.floor((seeded[0]?.createTimeMs ?? 0) / 1000),
    'create_time is seconds',
  )
  const second = await h.client.display.listVideos(tokens.accessToken, { maxCount: 20, cursor: first.cursor })
  t.same(
    second.videos.map((v) => v.id),
    seeded.slice(20).map((v) => v.id),
  )
  t.equal(second.hasMore, false)
})

t.test('video list returns only the requested fields', async (t) => {
  const h = await startHarness(t)
  const { user, tokens } = await login(h, ['video.list'])
  h.sandbox.seedVideos(user.openId, 2)
  const page = await h.client.display.listVideos(tokens.accessToken, { fields: ['id', 'title'] })
  t.same(Object.keys(page.videos[0] ?? {}).sort(), ['id', 'title'])
})

t.test('video query with 45 ids is split into calls of at most 20 and merged', async (t) => {
  const h = await startHarness(t)
  const { user, tokens } = await login(h, ['video.list'])
  const seeded = h.sandbox.seedVideos(user.openId, 45)
  h.sandbox.clearRequestLog()
  const videos = await h.client.display.queryVideos(
    tokens.accessToken,
    seeded.map((v) => v.id),
    VIDEO_FIELDS,
  )
  t.same(videos.map((v) => v.id).sort(), seeded.map((v) => v.id).sort())
  const calls = h.sandbox.requestLog().filter((e) => e.endpoint === 'video.query')
  t.equal(calls.length, 3)
  t.ok(
    calls.every((c) => c.status === 200),
    'the sandbox accepted every batch (it rejects > 20 ids)',
  )
  t.type(videos[0]?.coverImageUrl, 'string')
})

t.test('video endpoints without video.list fail with scope_not_authorized', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['user.info.basic'])
  const err = await rejectionOf(h.client.display.listVideos(tokens.accessToken))
  t.equal((err as TikTokApiError).tiktokCode, 'scope_not_authorized')
  t.equal((err as TikTokApiError).httpStatus, 401)
  t.equal((err as TikTokApiError).category, 'permanent')
})

t.test('an expired access token is token_invalid; refreshing then retrying once succeeds', async (t) => {
  const h = await startHarness(t)
  const { user, tokens } = await login(h, ['user.info.basic'])
  h.sandbox.expireTokens(user.openId, { access: true, refresh: false })
  const err = await rejectionOf(h.client.display.getUserInfo(tokens.accessToken, ['open_id']))
  t.ok(err instanceof TikTokApiError)
  t.equal((err as TikTokApiError).tiktokCode, 'access_token_invalid')
  t.equal((err as TikTokApiError).httpStatus, 401)
  t.equal((err as TikTokApiError).category, 'token_invalid')
  const fresh = await h.client.oauth.refreshAccessToken(tokens.refreshToken)
  t.equal((await h.client.display.getUserInfo(fresh.accessToken, ['open_id'])).openId, user.openId)
})

for (const includeEmptyDataOnError of [true, false]) {
  t.test(
    `a 429 is rate_limited with retryAfterMs advice (data: {} ${includeEmptyDataOnError ? 'present' : 'absent'})`,
    async (t) => {
      const h = await startHarness(t, { settings: { includeEmptyDataOnError } })
      const { tokens } = await login(h, ['user.info.basic'])
      h.sandbox.injectFault({ endpoint: 'user.info', kind: 'rate_limit' })
      const err = await rejectionOf(h.client.display.getUserInfo(tokens.accessToken, ['open_id']))
      t.ok(err instanceof TikTokApiError)
      t.equal((err as TikTokApiError).httpStatus, 429)
      t.equal((err as TikTokApiError).tiktokCode, 'rate_limit_exceeded')
      t.equal((err as TikTokApiError).category, 'rate_limited')
      t.equal((err as TikTokApiError).retryAfterMs, 60_000)
    },
  )
}

t.test('the real 600/min limit on video list surfaces as rate_limited', async (t) => {
  const h = await startHarness(t, { settings: { rateLimits: { 'video.list': { limit: 2, key: 'app' } } } })
  const { tokens } = await login(h, ['video.list'])
  await h.client.display.listVideos(tokens.accessToken)
  await h.client.display.listVideos(tokens.accessToken)
  const err = await rejectionOf(h.client.display.listVideos(tokens.accessToken))
  t.equal((err as TikTokApiError).category, 'rate_limited')
})

t.test('5xx internal_error is retryable', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['user.info.basic'])
  h.sandbox.injectFault({ endpoint: 'user.info', kind: 'internal_error', status: 502 })
  const err = await rejectionOf(h.client.display.getUserInfo(tokens.accessToken, ['open_id']))
  t.equal((err as TikTokApiError).tiktokCode, 'internal_error')
  t.equal((err as TikTokApiError).httpStatus, 502)
  t.equal((err as TikTokApiError).category, 'retryable')
})

t.test('a held request times out as a retryable TikTokTimeoutError', async (t) => {
  const h = await startHarness(t, { timeoutMs: 300 })
  const { tokens } = await login(h, ['user.info.basic'])
  h.sandbox.injectFault({ endpoint: 'user.info', kind: 'timeout', holdMs: 2000 })
  const err = await rejectionOf(h.client.display.getUserInfo(tokens.accessToken, ['open_id']))
  t.ok(err instanceof TikTokTimeoutError, String(err))
  t.equal((err as TikTokTimeoutError).category, 'retryable')
})

t.test('a reset connection is a retryable TikTokConnectionError', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['user.info.basic'])
  h.sandbox.injectFault({ endpoint: 'user.info', kind: 'connection_reset' })
  const err = await rejectionOf(h.client.display.getUserInfo(tokens.accessToken, ['open_id']))
  t.ok(err instanceof TikTokConnectionError, String(err))
  t.equal((err as TikTokConnectionError).category, 'retryable')
})
