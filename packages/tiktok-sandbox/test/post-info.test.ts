import t, { type Test } from 'tap'
import { api, build, connectUser } from './helper.js'
import { directInit, fileSource, publicPost } from './publish-helper.js'

const oneChunk = fileSource(1000, 1000, 1)
const many = {
  rateLimits: { 'video.init': { limit: 1000, key: 'token' as const } },
  dailyPostCap: 1000,
}

/** A sandbox answering `code` for invalid params, and a Direct Post init against it. */
async function setup(t: Test, code: 'invalid_param' | 'invalid_params') {
  const sandbox = await build(t, { settings: { ...many, postingInvalidParamCode: code } })
  const { accessToken } = await connectUser(sandbox, ['video.publish'])
  // `api`, not `directInit`: an undefined post_info must be sent as missing, not defaulted.
  const init = (post_info: unknown) =>
    api(sandbox, 'POST', '/v2/post/publish/video/init/', accessToken, { post_info, source_info: oneChunk })
  return { sandbox, init }
}

const BOOLEANS = [
  'disable_comment',
  'disable_duet',
  'disable_stitch',
  'brand_content_toggle',
  'brand_organic_toggle',
  'is_aigc',
]

t.test(
  'post_info booleans must be booleans: anything else is 400 invalid_param (docs/tiktok-api.md §3.2)',
  async (t) => {
    const { sandbox, init } = await setup(t, 'invalid_param')
    let accepted = 0
    for (const field of BOOLEANS) {
      for (const value of ['yes', 'true', 1, 0, null, {}, []]) {
        const res = await init({ ...publicPost, [field]: value })
        const label = `${field}: ${JSON.stringify(value)}`
        t.equal(res.status, 400, label)
        t.same(Object.keys(res.json).sort(), ['data', 'error'], `${label}: TikTok's envelope`)
        t.same(res.json.data, {}, label)
        t.equal(res.json.error.code, 'invalid_param', label)
        t.match(res.json.error.message, field, `${label}: the message names the field`)
        t.match(res.json.error.log_id, /^\d{14}[0-9A-F]{20}$/, label)
      }
      for (const value of [true, false]) {
        const res = await init({ ...publicPost, [field]: value })
        t.equal(res.status, 200, `${field}: ${value} is accepted`)
        accepted++
      }
    }
    t.equal(sandbox.listPublishes().length, accepted, 'a refused init creates no publish')
  },
)

t.test('brand_content_toggle is required (docs/tiktok-api.md §3.2 marks it so)', async (t) => {
  const { init } = await setup(t, 'invalid_param')
  const { brand_content_toggle: _dropped, ...withoutToggle } = publicPost
  const res = await init(withoutToggle)
  t.equal(res.status, 400)
  t.equal(res.json.error.code, 'invalid_param')
  t.match(res.json.error.message, 'brand_content_toggle')
  const { brand_organic_toggle: _optional, ...withoutOrganic } = publicPost
  t.equal((await init(withoutOrganic)).status, 200, 'brand_organic_toggle is optional')
})

t.test('video_cover_timestamp_ms must be a non-negative int32 of milliseconds', async (t) => {
  const { sandbox, init } = await setup(t, 'invalid_param')
  for (const value of ['1000', -1, 1.5, 2 ** 31, null, true, [1000]]) {
    const res = await init({ ...publicPost, video_cover_timestamp_ms: value })
    t.equal(res.status, 400, JSON.stringify(value))
    t.equal(res.json.error.code, 'invalid_param', JSON.stringify(value))
    t.match(res.json.error.message, 'video_cover_timestamp_ms', JSON.stringify(value))
  }
  for (const value of [0, 1000, 2 ** 31 - 1]) {
    t.equal((await init({ ...publicPost, video_cover_timestamp_ms: value })).status, 200, String(value))
  }
  t.equal(sandbox.listPublishes().length, 3)
})

t.test('title is a string of at most 2200 UTF-16 code units; privacy_level a privacy level', async (t) => {
  const { init } = await setup(t, 'invalid_param')
  const emoji = '\u{1F600}' // two UTF-16 code units
  const refused: [string, unknown][] = [
    ['title', 123],
    ['title', ['a']],
    ['title', 'x'.repeat(2201)],
    ['title', emoji.repeat(1101)],
    ['privacy_level', 1],
    ['privacy_level', ['SELF_ONLY']],
    ['privacy_level', 'public'],
    ['privacy_level', undefined],
  ]
  for (const [field, value] of refused) {
    const res = await init({ ...publicPost, [field]: value })
    const label = `${field}: ${JSON.stringify(value)?.slice(0, 30)}`
    t.equal(res.status, 400, label)
    t.equal(res.json.error.code, 'invalid_param', label)
    t.match(res.json.error.message, field, label)
  }
  t.equal((await init({ ...publicPost, title: 'x'.repeat(2200) })).status, 200, '2200 units')
  t.equal((await init({ ...publicPost, title: emoji.repeat(1100) })).status, 200, '1100 emoji = 2200 units')
  for (const post of [undefined, null, 'PUBLIC_TO_EVERYONE', [publicPost]]) {
    const res = await init(post)
    t.equal(res.status, 400, `post_info ${JSON.stringify(post)}`)
    t.match(res.json.error.message, 'post_info')
  }
})

t.test('the invalid-param code follows postingInvalidParamCode (both spellings occur, 3.2)', async (t) => {
  const { init } = await setup(t, 'invalid_params')
  const res = await init({ ...publicPost, disable_comment: 'yes' })
  t.equal(res.status, 400)
  t.equal(res.json.error.code, 'invalid_params')
})

t.test('a mistyped post_info is refused before the privacy and spam checks (400 before 403)', async (t) => {
  const sandbox = await build(t, { settings: many })
  const { accessToken } = await connectUser(sandbox, ['video.publish'], { private: true })
  const res = await directInit(sandbox, accessToken, oneChunk, { ...publicPost, is_aigc: 'no' })
  t.equal(res.status, 400)
  t.match(res.json.error.message, 'is_aigc')
})
