import t from 'tap'
import { api, build, connectUser } from './helper.js'

t.test('user info returns only the requested fields', async (t) => {
  const sandbox = await build(t)
  const { user, accessToken } = await connectUser(sandbox, ['user.info.basic', 'user.info.profile'], {
    displayName: 'Tik Toker',
    username: 'tiktoker',
  })
  const res = await api(sandbox, 'GET', '/v2/user/info/?fields=open_id,display_name,username', accessToken)
  t.equal(res.status, 200)
  t.same(res.json, {
    data: { user: { open_id: user.openId, display_name: 'Tik Toker', username: 'tiktoker' } },
    error: { code: 'ok', message: '', log_id: res.json.error.log_id },
  })
})

t.test('user info refuses fields whose scope was not granted', async (t) => {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['user.info.basic'])
  const res = await api(sandbox, 'GET', '/v2/user/info/?fields=open_id,follower_count', accessToken)
  t.equal(res.status, 400)
  t.equal(res.json.error.code, 'scope_permission_missed')
  t.same(res.json.data, {}, 'data: {} included by default')
  sandbox.updateSettings({ userInfoScopeErrorCode: 'scope_not_authorized', includeEmptyDataOnError: false })
  const other = await api(sandbox, 'GET', '/v2/user/info/?fields=bio_description', accessToken)
  t.equal(other.status, 401)
  t.equal(other.json.error.code, 'scope_not_authorized')
  t.notOk('data' in other.json, 'data omitted when set so')
  const noToken = await api(sandbox, 'GET', '/v2/user/info/?fields=open_id', undefined)
  t.equal(noToken.status, 401)
  t.equal(noToken.json.error.code, 'access_token_invalid')
})

t.test('follower counts grow with virtual time, reproducibly for a seed', async (t) => {
  const counts = async () => {
    const sandbox = await build(t, { settings: { metricsSeed: 7, accessTokenTtlSec: 7 * 86400 } })
    const { accessToken } = await connectUser(sandbox, ['user.info.stats'], {
      openId: 'fixed-open-id',
      followerCount: 1000,
      followerGrowthPerHour: 10,
    })
    const read = async () =>
      (await api(sandbox, 'GET', '/v2/user/info/?fields=follower_count', accessToken)).json.data.user
        .follower_count
    const before = await read()
    sandbox.advanceClock(48 * 3600_000)
    return [before, await read()]
  }
  const [a0, a1] = await counts()
  const [b0, b1] = await counts()
  t.equal(a0, 1000)
  t.ok(a1 > a0 + 48, `grew from ${a0} to ${a1}`)
  t.equal(a1, b1, 'same seed, same elapsed time, same value')
  t.equal(b0, a0)
})

t.test('video list pages newest first with a millisecond cursor and max_count', async (t) => {
  const sandbox = await build(t)
  const { user, accessToken } = await connectUser(sandbox, ['video.list'])
  const seeded = sandbox.seedVideos(user.openId, 25)
  sandbox.seedVideos(user.openId, 3, { public: false, spacingMs: 60_000 })
  const fields = 'id,create_time,title,view_count'
  const page1 = await api(sandbox, 'POST', `/v2/video/list/?fields=${fields}`, accessToken, { max_count: 20 })
  t.equal(page1.status, 200)
  const v1 = page1.json.data.videos
  t.equal(v1.length, 20)
  t.equal(page1.json.data.has_more, true)
  t.same(Object.keys(v1[0]).sort(), ['create_time', 'id', 'title', 'view_count'])
  t.match(v1[0].id, /^\d{19}$/)
  t.equal(typeof v1[0].id, 'string')
  t.same(
    v1.map((v: { id: string }) => v.id),
    seeded.slice(0, 20).map((v) => v.id),
    'newest first, private videos excluded',
  )
  t.equal(page1.json.data.cursor, seeded[19]!.createTimeMs, 'cursor is in ms')
  t.equal(v1[19].create_time, Math.floor(seeded[19]!.createTimeMs / 1000), 'create_time is in seconds')

  const page2 = await api(sandbox, 'POST', `/v2/video/list/?fields=id`, accessToken, {
    cursor: page1.json.data.cursor,
    max_count: 20,
  })
  t.same(
    page2.json.data.videos.map((v: { id: string }) => v.id),
    seeded.slice(20).map((v) => v.id),
  )
  t.equal(page2.json.data.has_more, false)

  const tooMany = await api(sandbox, 'POST', `/v2/video/list/?fields=id`, accessToken, { max_count: 21 })
  t.equal(tooMany.status, 400)
  t.equal(tooMany.json.error.code, 'invalid_params')
  const defaults = await api(sandbox, 'POST', `/v2/video/list/?fields=id`, accessToken, {})
  t.equal(defaults.json.data.videos.length, 10, 'max_count defaults to 10')
})

t.test('video query takes at most 20 ids and omits videos the user does not own', async (t) => {
  const sandbox = await build(t)
  const { user, accessToken } = await connectUser(sandbox, ['video.list'])
  const other = sandbox.addUser()
  const mine = sandbox.seedVideos(user.openId, 3)
  const theirs = sandbox.seedVideos(other.openId, 1)
  const ids = [mine[0]!.id, mine[2]!.id, theirs[0]!.id, '7000000000000000000']
  const res = await api(sandbox, 'POST', '/v2/video/query/?fields=id,like_count', accessToken, {
    filters: { video_ids: ids },
  })
  t.equal(res.status, 200)
  t.same(res.json.data.videos.map((v: { id: string }) => v.id).sort(), [mine[0]!.id, mine[2]!.id].sort())
  t.equal(res.json.data.has_more, false)
  const ids21 = Array.from({ length: 21 }, (_, i) => `70000000000000000${String(i).padStart(2, '0')}`)
  const over = await api(sandbox, 'POST', '/v2/video/query/?fields=id', accessToken, {
    filters: { video_ids: ids21 },
  })
  t.equal(over.status, 400)
  t.equal(over.json.error.code, 'invalid_params')
})

t.test('video metrics grow as the video ages', async (t) => {
  const sandbox = await build(t, { settings: { accessTokenTtlSec: 7 * 86400 } })
  const { user, accessToken } = await connectUser(sandbox, ['video.list'])
  const [video] = sandbox.seedVideos(user.openId, 1)
  const query = async () =>
    (
      await api(sandbox, 'POST', '/v2/video/query/?fields=view_count,like_count', accessToken, {
        filters: { video_ids: [video!.id] },
      })
    ).json.data.videos[0]
  const before = await query()
  sandbox.advanceClock(24 * 3600_000)
  const after = await query()
  t.ok(after.view_count > before.view_count, `views ${before.view_count} → ${after.view_count}`)
  t.ok(after.like_count >= before.like_count)
})

t.test('the Display API needs the video.list scope', async (t) => {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['user.info.basic'])
  const res = await api(sandbox, 'POST', '/v2/video/list/?fields=id', accessToken, {})
  t.equal(res.status, 401)
  t.equal(res.json.error.code, 'scope_not_authorized')
})
