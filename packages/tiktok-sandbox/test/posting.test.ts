import t from 'tap'
import { api, build, connectUser } from './helper.js'
import { directInit, fileSource, inboxInit, statusOf } from './publish-helper.js'
import { putChunk } from './upload-helper.js'

t.test('creator_info differs for public and private accounts', async (t) => {
  const sandbox = await build(t)
  const pub = await connectUser(sandbox, ['video.publish'], {
    displayName: 'Pub',
    maxVideoPostDurationSec: 600,
  })
  const priv = await connectUser(sandbox, ['video.publish'], { private: true })
  const a = await api(sandbox, 'POST', '/v2/post/publish/creator_info/query/', pub.accessToken)
  t.equal(a.status, 200)
  t.match(a.json.data, {
    creator_nickname: 'Pub',
    privacy_level_options: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
    duet_disabled: false,
    stitch_disabled: false,
    max_video_post_duration_sec: 600,
  })
  const b = await api(sandbox, 'POST', '/v2/post/publish/creator_info/query/', priv.accessToken)
  t.same(b.json.data.privacy_level_options, ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'])
  t.equal(b.json.data.duet_disabled, true)
  t.equal(b.json.data.stitch_disabled, true)
  t.equal(b.json.data.max_video_post_duration_sec, 300)
})

t.test('direct post init checks the privacy level against the creator options', async (t) => {
  const sandbox = await build(t)
  const priv = await connectUser(sandbox, ['video.publish'], { private: true })
  const res = await directInit(sandbox, priv.accessToken, fileSource(1000, 1000, 1))
  t.equal(res.status, 403)
  t.equal(res.json.error.code, 'privacy_level_option_mismatch')
})

t.test('chunk maths follows the floor rule', async (t) => {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['video.publish'])
  const init = (source: object) => directInit(sandbox, accessToken, source)
  const ceil = await init(fileSource(50_000_123, 10_000_000, 6))
  t.equal(ceil.status, 400)
  t.same(ceil.json.error.code, 'invalid_params')
  t.equal(ceil.json.error.message, 'The total chunk count is invalid')
  const single = await init(fileSource(4_000_000, 1_000_000, 4))
  t.equal(
    single.json.error.message,
    'The chunk size is invalid',
    'under 5 MB: chunk_size must equal video_size',
  )
  const huge = await init(fileSource(158 * 1024 * 1024, 158 * 1024 * 1024, 1))
  t.equal(huge.json.error.message, 'The chunk size is invalid', 'over 64 MB must be chunked')
  const floor = await init(fileSource(50_000_123, 10_000_000, 5))
  t.equal(floor.status, 200)
  t.match(floor.json.data.publish_id, /^v_pub_file~v2-1\.\d+$/)
  t.ok(floor.json.data.upload_url.startsWith(`${sandbox.url}/upload/video/?upload_id=`))
  t.match(floor.json.data.upload_url, /upload_token=/)
})

t.test('a 50,000,123-byte upload goes in 5 chunks, the last one 10,000,123 bytes', async (t) => {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['video.publish'])
  const init = await directInit(sandbox, accessToken, fileSource(50_000_123, 10_000_000, 5))
  const { upload_url: uploadUrl, publish_id: publishId } = init.json.data
  const total = 50_000_123
  const chunk = Buffer.alloc(10_000_000, 1)
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) {
    const res = await putChunk(uploadUrl, chunk, {
      first: i * 10_000_000,
      last: (i + 1) * 10_000_000 - 1,
      total,
    })
    statuses.push(res.status)
    if (i === 1) t.equal(res.contentRange, `bytes 0-19999999/${total}`)
  }
  const status = await statusOf(sandbox, accessToken, publishId)
  t.match(status.json.data, { status: 'PROCESSING_UPLOAD', uploaded_bytes: 40_000_000 })
  const last = await putChunk(uploadUrl, Buffer.alloc(10_000_123, 2), {
    first: 40_000_000,
    last: total - 1,
    total,
  })
  statuses.push(last.status)
  t.same(statuses, [206, 206, 206, 206, 201])
  const uploads = sandbox.requestLog().filter((e) => e.endpoint === 'upload')
  t.same(
    uploads.map((e) => [e.contentRange, e.bytes]),
    [
      [`bytes 0-9999999/${total}`, 10_000_000],
      [`bytes 10000000-19999999/${total}`, 10_000_000],
      [`bytes 20000000-29999999/${total}`, 10_000_000],
      [`bytes 30000000-39999999/${total}`, 10_000_000],
      [`bytes 40000000-50000122/${total}`, 10_000_123],
    ],
  )
})

t.test('upload answers 416 on a gap or overlap with the progress in Content-Range', async (t) => {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['video.upload'])
  const size = 12_000_000
  const init = await inboxInit(sandbox, accessToken, fileSource(size, 6_000_000, 2))
  t.match(init.json.data.publish_id, /^v_inbox_file~v2\.\d+$/)
  const url = init.json.data.upload_url
  const chunk = Buffer.alloc(6_000_000)
  const gapFirst = await putChunk(url, chunk, { first: 6_000_000, last: size - 1, total: size })
  t.equal(gapFirst.status, 416)
  t.equal(gapFirst.contentRange, `bytes */${size}`)
  t.equal((await putChunk(url, chunk, { first: 0, last: 5_999_999, total: size })).status, 206)
  const overlap = await putChunk(url, chunk, { first: 0, last: 5_999_999, total: size })
  t.equal(overlap.status, 416)
  t.equal(overlap.contentRange, `bytes 0-5999999/${size}`)
  const badLength = await putChunk(
    url,
    chunk.subarray(0, 100),
    { first: 6_000_000, last: size - 1, total: size },
    {
      'content-length': '100',
    },
  )
  t.equal(badLength.status, 400, 'Content-Length must match Content-Range')
  t.equal((await putChunk(url, chunk, { first: 6_000_000, last: size - 1, total: size })).status, 201)
})

for (const [reading, before, after] of [
  ['byte_count', 'bytes 0-0/12000000', 'bytes 0-6000000/12000000'],
  ['none', undefined, undefined],
] as const) {
  t.test(`uploadProgressRange '${reading}' changes only the progress header`, async (t) => {
    const sandbox = await build(t, { settings: { uploadProgressRange: reading } })
    const { accessToken } = await connectUser(sandbox, ['video.upload'])
    const size = 12_000_000
    const init = await inboxInit(sandbox, accessToken, fileSource(size, 6_000_000, 2))
    const url = init.json.data.upload_url
    const chunk = Buffer.alloc(6_000_000)
    const gap = await putChunk(url, chunk, { first: 6_000_000, last: size - 1, total: size })
    t.same([gap.status, gap.contentRange], [416, before])
    const first = await putChunk(url, chunk, { first: 0, last: 5_999_999, total: size })
    t.same([first.status, first.contentRange], [206, after])
    const overlap = await putChunk(url, chunk, { first: 0, last: 5_999_999, total: size })
    t.same([overlap.status, overlap.contentRange], [416, after])
  })
}

t.test('an upload_url expires after an hour and unknown uploads are 404', async (t) => {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['video.publish'])
  const init = await directInit(sandbox, accessToken, fileSource(1000, 1000, 1))
  const url = init.json.data.upload_url as string
  sandbox.advanceClock(3600_000)
  const expired = await putChunk(url, Buffer.alloc(1000), { first: 0, last: 999, total: 1000 })
  t.equal(expired.status, 403)
  const unknown = await putChunk(url.replace(/upload_token=[^&]+/, 'upload_token=nope'), Buffer.alloc(1000), {
    first: 0,
    last: 999,
    total: 1000,
  })
  t.equal(unknown.status, 404)
})

t.test('init endpoints need video.publish or video.upload respectively', async (t) => {
  const sandbox = await build(t)
  const uploadOnly = await connectUser(sandbox, ['video.upload'])
  const direct = await directInit(sandbox, uploadOnly.accessToken, fileSource(1000, 1000, 1))
  t.equal(direct.status, 401)
  t.equal(direct.json.error.code, 'scope_not_authorized')
  const publishOnly = await connectUser(sandbox, ['video.publish'])
  const inbox = await inboxInit(sandbox, publishOnly.accessToken, fileSource(1000, 1000, 1))
  t.equal(inbox.json.error.code, 'scope_not_authorized')
})

t.test('the sixth inbox share within 24 h is refused with spam_risk_too_many_pending_share', async (t) => {
  const sandbox = await build(t, { settings: { rateLimits: { 'inbox.init': { limit: 100, key: 'token' } } } })
  const { accessToken } = await connectUser(sandbox, ['video.upload'])
  const init = () => inboxInit(sandbox, accessToken, fileSource(1000, 1000, 1))
  for (let i = 0; i < 5; i++) t.equal((await init()).status, 200)
  const sixth = await init()
  t.equal(sixth.status, 403)
  t.equal(sixth.json.error.code, 'spam_risk_too_many_pending_share')
})
