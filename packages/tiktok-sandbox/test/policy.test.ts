import t from 'tap'
import { api, build, connectUser } from './helper.js'
import { directInit, fileSource, publicPost } from './publish-helper.js'

const init = (sandbox: Awaited<ReturnType<typeof build>>, token: string, privacy: string) =>
  directInit(sandbox, token, fileSource(1000, 1000, 1), { ...publicPost, privacy_level: privacy })

t.test('an unaudited client may post only to private accounts, forced to SELF_ONLY', async (t) => {
  const sandbox = await build(t, { settings: { unauditedClient: true } })
  const pub = await connectUser(sandbox, ['video.publish'])
  const refused = await init(sandbox, pub.accessToken, 'SELF_ONLY')
  t.equal(refused.status, 403)
  t.equal(refused.json.error.code, 'unaudited_client_can_only_post_to_private_accounts')
  const priv = await connectUser(sandbox, ['video.publish'], { private: true })
  const ok = await init(sandbox, priv.accessToken, 'FOLLOWER_OF_CREATOR')
  t.equal(ok.status, 200)
  t.equal(sandbox.getPublish(ok.json.data.publish_id)?.privacyLevel, 'SELF_ONLY')
})

t.test('an unaudited client reaches its cap at the sixth distinct user in 24 h', async (t) => {
  const sandbox = await build(t, { settings: { unauditedClient: true } })
  for (let i = 0; i < 5; i++) {
    const u = await connectUser(sandbox, ['video.publish'], { private: true })
    t.equal((await init(sandbox, u.accessToken, 'SELF_ONLY')).status, 200)
  }
  const sixth = await connectUser(sandbox, ['video.publish'], { private: true })
  const info = await api(sandbox, 'POST', '/v2/post/publish/creator_info/query/', sixth.accessToken)
  t.equal(info.status, 200, 'creator_info reports spam/cap errors with HTTP 200')
  t.equal(info.json.error.code, 'reached_active_user_cap')
  const res = await init(sandbox, sixth.accessToken, 'SELF_ONLY')
  t.equal(res.status, 403)
  t.equal(res.json.error.code, 'reached_active_user_cap')
})

t.test('the daily direct-post cap answers spam_risk_too_many_posts', async (t) => {
  const sandbox = await build(t, { settings: { dailyPostCap: 2, accessTokenTtlSec: 7 * 86400 } })
  const { accessToken } = await connectUser(sandbox, ['video.publish'])
  t.equal((await init(sandbox, accessToken, 'SELF_ONLY')).status, 200)
  t.equal((await init(sandbox, accessToken, 'SELF_ONLY')).status, 200)
  const third = await init(sandbox, accessToken, 'SELF_ONLY')
  t.equal(third.status, 403)
  t.equal(third.json.error.code, 'spam_risk_too_many_posts')
  sandbox.advanceClock(24 * 3600_000 + 1)
  sandbox.resetRateLimits()
  t.equal((await init(sandbox, accessToken, 'SELF_ONLY')).status, 200, 'the cap is a 24 h window')
})

t.test('PULL_FROM_URL ownership follows the prefix and domain rules', async (t) => {
  const sandbox = await build(t, {
    verifiedUrlPrefixes: ['https://cdn.example.com/videos/', 'static.example.org'],
    settings: { rateLimits: { 'video.init': { limit: 100, key: 'token' } } },
  })
  const { accessToken } = await connectUser(sandbox, ['video.publish'])
  const pull = async (video_url: string) =>
    (
      await directInit(
        sandbox,
        accessToken,
        { source: 'PULL_FROM_URL', video_url },
        { privacy_level: 'SELF_ONLY', brand_content_toggle: false },
      )
    ).json.error.code
  t.equal(await pull('https://cdn.example.com/videos/a.mp4'), 'ok')
  t.equal(await pull('https://video.static.example.org/a.mp4'), 'ok', 'subdomains of a verified domain')
  t.equal(await pull('https://cdn.example.com/other/a.mp4'), 'url_ownership_unverified', 'outside the prefix')
  t.equal(await pull('https://example.org/a.mp4'), 'url_ownership_unverified', 'parent of a verified domain')
  t.equal(await pull('http://cdn.example.com/videos/a.mp4'), 'url_ownership_unverified', 'https only')
  t.equal(await pull('https://93.184.216.34/videos/a.mp4'), 'url_ownership_unverified', 'no IP hosts')
})

t.test('status fetch refuses unknown and foreign publish ids; cancel only stops downloads', async (t) => {
  const sandbox = await build(t)
  const a = await connectUser(sandbox, ['video.publish'])
  const b = await connectUser(sandbox, ['video.publish'])
  const own = await init(sandbox, a.accessToken, 'SELF_ONLY')
  const id = own.json.data.publish_id
  const foreign = await api(sandbox, 'POST', '/v2/post/publish/status/fetch/', b.accessToken, {
    publish_id: id,
  })
  t.equal(foreign.json.error.code, 'token_not_authorized_for_specified_publish_id')
  const unknown = await api(sandbox, 'POST', '/v2/post/publish/status/fetch/', a.accessToken, {
    publish_id: 'v_x',
  })
  t.equal(unknown.json.error.code, 'invalid_publish_id')
  const cancel = await api(sandbox, 'POST', '/v2/post/publish/cancel/', a.accessToken, { publish_id: id })
  t.equal(cancel.json.error.code, 'publish_not_cancellable')
})
