import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { buildPlan, planChunks, TikTokApiError } from '../../src/index.js'
import { rejectionOf } from '../helpers/rejection.js'
import { login, startHarness, VERIFIED_PREFIX, waitForPublish } from '../helpers/sandbox.js'

const SELF_ONLY = { privacyLevel: 'SELF_ONLY' } as const

t.test('creator info of a private account: no PUBLIC option, duet and stitch disabled', async (t) => {
  const h = await startHarness(t)
  const user = h.sandbox.addUser({ displayName: 'Priv', private: true, maxVideoPostDurationSec: 60 })
  const { tokens } = await login(h, ['video.publish'], user)
  const info = await h.client.posting.queryCreatorInfo(tokens.accessToken)
  t.same(info.privacyLevelOptions, ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'])
  t.equal(info.duetDisabled, true)
  t.equal(info.stitchDisabled, true)
  t.equal(info.maxVideoPostDurationSec, 60)
  t.equal(info.creatorNickname, 'Priv')
})

t.test('creator info answers spam-risk errors with HTTP 200, read as errors', async (t) => {
  const h = await startHarness(t)
  const user = h.sandbox.addUser({ bannedFromPosting: true })
  const { tokens } = await login(h, ['video.publish'], user)
  const err = await rejectionOf(h.client.posting.queryCreatorInfo(tokens.accessToken))
  t.ok(err instanceof TikTokApiError)
  t.equal((err as TikTokApiError).httpStatus, 200)
  t.equal((err as TikTokApiError).tiktokCode, 'spam_risk_user_banned_from_posting')
  t.equal((err as TikTokApiError).category, 'permanent')
})

t.test('creator info without video.publish is scope_not_authorized', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['video.upload'])
  const err = await rejectionOf(h.client.posting.queryCreatorInfo(tokens.accessToken))
  t.equal((err as TikTokApiError).tiktokCode, 'scope_not_authorized')
})

t.test('a ceil chunk count is rejected while the client floor plan is accepted', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['video.publish'])
  const ceil = buildPlan(50_000_123, 10_000_000, Math.ceil(50_000_123 / 10_000_000))
  const err = await rejectionOf(
    h.client.posting.initDirectPost(tokens.accessToken, {
      postInfo: SELF_ONLY,
      source: { source: 'FILE_UPLOAD', chunkPlan: ceil },
    }),
  )
  t.ok(err instanceof TikTokApiError)
  t.ok((err as TikTokApiError).hasTikTokCode('invalid_params'))
  t.equal((err as TikTokApiError).httpStatus, 400)
  t.match((err as TikTokApiError).message, /total chunk count is invalid/)
  t.equal((err as TikTokApiError).category, 'permanent')

  const ok = await h.client.posting.initDirectPost(tokens.accessToken, {
    postInfo: SELF_ONLY,
    source: { source: 'FILE_UPLOAD', videoSize: 50_000_123, preferredChunkSize: 10_000_000 },
  })
  t.equal(ok.chunkPlan?.totalChunkCount, 5)
  t.match(ok.publishId, /^v_pub_file~v2-1\.\d+$/)
  t.match(ok.uploadUrl, /^http:\/\/127\.0\.0\.1:\d+\/upload\/video\/\?upload_id=/)
})

t.test(
  'a small file declared with chunk_size ≠ video_size is rejected; the client plan sends it whole',
  async (t) => {
    const h = await startHarness(t)
    const { tokens } = await login(h, ['video.publish'])
    const wrong = buildPlan(4_052_217, 2_000_000, 2)
    const err = await rejectionOf(
      h.client.posting.initDirectPost(tokens.accessToken, {
        postInfo: SELF_ONLY,
        source: { source: 'FILE_UPLOAD', chunkPlan: wrong },
      }),
    )
    t.match((err as TikTokApiError).message, /chunk size is invalid/)
    const ok = await h.client.posting.initDirectPost(tokens.accessToken, {
      postInfo: SELF_ONLY,
      source: { source: 'FILE_UPLOAD', chunkPlan: planChunks(4_052_217, 10_000_000) },
    })
    t.equal(ok.chunkPlan?.chunkSize, 4_052_217)
  },
)

t.test('a privacy level outside the creator options is privacy_level_option_mismatch (403)', async (t) => {
  const h = await startHarness(t)
  const user = h.sandbox.addUser({ private: true })
  const { tokens } = await login(h, ['video.publish'], user)
  const err = await rejectionOf(
    h.client.posting.initDirectPost(tokens.accessToken, {
      postInfo: { privacyLevel: 'PUBLIC_TO_EVERYONE' },
      source: { source: 'FILE_UPLOAD', videoSize: 1_000_000 },
    }),
  )
  t.equal((err as TikTokApiError).tiktokCode, 'privacy_level_option_mismatch')
  t.equal((err as TikTokApiError).httpStatus, 403)
})

t.test(
  'an unaudited client posting for a public account gets unaudited_client_can_only_post_to_private_accounts',
  async (t) => {
    const h = await startHarness(t, { settings: { unauditedClient: true } })
    const { tokens } = await login(h, ['video.publish'], h.sandbox.addUser({ private: false }))
    const err = await rejectionOf(
      h.client.posting.initDirectPost(tokens.accessToken, {
        postInfo: SELF_ONLY,
        source: { source: 'FILE_UPLOAD', videoSize: 1_000_000 },
      }),
    )
    t.equal((err as TikTokApiError).tiktokCode, 'unaudited_client_can_only_post_to_private_accounts')
  },
)

t.test('the daily post cap gives spam_risk_too_many_posts', async (t) => {
  const h = await startHarness(t, { settings: { dailyPostCap: 1 } })
  const { tokens } = await login(h, ['video.publish'])
  const init = () =>
    h.client.posting.initDirectPost(tokens.accessToken, {
      postInfo: SELF_ONLY,
      source: { source: 'FILE_UPLOAD', videoSize: 1_000_000 },
    })
  await init()
  const err = await rejectionOf(init())
  t.equal((err as TikTokApiError).tiktokCode, 'spam_risk_too_many_posts')
  t.equal((err as TikTokApiError).httpStatus, 403)
})

t.test('invalid_param (singular) is read as invalid_params', async (t) => {
  const h = await startHarness(t, {
    settings: { postingInvalidParamCode: 'invalid_param', includeEmptyDataOnError: false },
  })
  const { tokens } = await login(h, ['video.publish'])
  const err = await rejectionOf(
    h.client.posting.initDirectPost(tokens.accessToken, {
      postInfo: { privacyLevel: 'SELF_ONLY', title: 'x'.repeat(2201) },
      source: { source: 'FILE_UPLOAD', videoSize: 1_000_000 },
    }),
  )
  t.equal((err as TikTokApiError).tiktokCode, 'invalid_param')
  t.ok((err as TikTokApiError).hasTikTokCode('invalid_params'))
})

t.test('the 6/min init limit per token surfaces as rate_limited', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['video.upload'])
  const init = () =>
    h.client.posting.initInboxUpload(tokens.accessToken, {
      source: { source: 'PULL_FROM_URL', videoUrl: `${VERIFIED_PREFIX}a.mp4` },
    })
  h.sandbox.updateSettings({ pendingShareCap: 100 })
  for (let i = 0; i < 6; i++) await init()
  const err = await rejectionOf(init())
  t.equal((err as TikTokApiError).httpStatus, 429)
  t.equal((err as TikTokApiError).category, 'rate_limited')
})

t.test('PULL_FROM_URL outside a verified prefix is url_ownership_unverified', async (t) => {
  const h = await startHarness(t)
  const { tokens } = await login(h, ['video.publish'])
  const err = await rejectionOf(
    h.client.posting.initDirectPost(tokens.accessToken, {
      postInfo: SELF_ONLY,
      source: { source: 'PULL_FROM_URL', videoUrl: 'https://elsewhere.example.com/v.mp4' },
    }),
  )
  t.equal((err as TikTokApiError).tiktokCode, 'url_ownership_unverified')
  t.equal((err as TikTokApiError).httpStatus, 403)
})

t.test(
  'PULL_FROM_URL returns only a publish_id; cancel during the download ends in publish_cancelled',
  async (t) => {
    // A media server that sends a few bytes and then stalls, so the download stays in progress.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' })
      res.write(Buffer.alloc(1000))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    t.teardown(() => {
      server.closeAllConnections()
      server.close()
    })
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    const h = await startHarness(t, { settings: { pullUrlRewrites: { [VERIFIED_PREFIX]: base } } })
    const { tokens } = await login(h, ['video.publish'])
    const init = await h.client.posting.initDirectPost(tokens.accessToken, {
      postInfo: SELF_ONLY,
      source: { source: 'PULL_FROM_URL', videoUrl: `${VERIFIED_PREFIX}clip.mp4` },
    })
    t.match(init.publishId, /^v_pub_url~v2\.\d+$/)
    t.equal(init.uploadUrl, undefined)
    await waitForPublish(h.sandbox, init.publishId, (p) => p.downloadedBytes > 0)
    const during = await h.client.posting.fetchStatus(tokens.accessToken, init.publishId)
    t.equal(during.status, 'PROCESSING_DOWNLOAD')
    t.equal(during.downloadedBytes, 1000)
    await h.client.posting.cancel(tokens.accessToken, init.publishId)
    const after = await h.client.posting.fetchStatus(tokens.accessToken, init.publishId)
    t.equal(after.status, 'FAILED')
    t.equal(after.failReason, 'publish_cancelled')
  },
)

t.test(
  'cancel of a FILE_UPLOAD is publish_not_cancellable; unknown ids are invalid_publish_id',
  async (t) => {
    const h = await startHarness(t)
    const { tokens } = await login(h, ['video.publish'])
    const init = await h.client.posting.initDirectPost(tokens.accessToken, {
      postInfo: SELF_ONLY,
      source: { source: 'FILE_UPLOAD', videoSize: 1_000_000 },
    })
    const notCancellable = await rejectionOf(h.client.posting.cancel(tokens.accessToken, init.publishId))
    t.equal((notCancellable as TikTokApiError).tiktokCode, 'publish_not_cancellable')
    const unknown = await rejectionOf(h.client.posting.fetchStatus(tokens.accessToken, 'v_pub_file~v2-1.000'))
    t.equal((unknown as TikTokApiError).tiktokCode, 'invalid_publish_id')
    const status = await h.client.posting.fetchStatus(tokens.accessToken, init.publishId)
    t.same(status, { status: 'PROCESSING_UPLOAD', publicalyAvailablePostId: [], uploadedBytes: 0 })
  },
)

t.test("another user's publish_id is token_not_authorized_for_specified_publish_id", async (t) => {
  const h = await startHarness(t)
  const a = await login(h, ['video.publish'])
  const b = await login(h, ['video.publish'])
  const init = await h.client.posting.initDirectPost(a.tokens.accessToken, {
    postInfo: SELF_ONLY,
    source: { source: 'FILE_UPLOAD', videoSize: 1_000_000 },
  })
  const err = await rejectionOf(h.client.posting.fetchStatus(b.tokens.accessToken, init.publishId))
  t.equal((err as TikTokApiError).tiktokCode, 'token_not_authorized_for_specified_publish_id')
})

t.test('inbox init returns an inbox publish_id and upload_url; the pending-share cap is a 403', async (t) => {
  const h = await startHarness(t, { settings: { pendingShareCap: 1 } })
  const { tokens } = await login(h, ['video.upload'])
  const init = await h.client.posting.initInboxUpload(tokens.accessToken, {
    source: { source: 'FILE_UPLOAD', videoSize: 1_000_000 },
  })
  t.match(init.publishId, /^v_inbox_file~v2\.\d+$/)
  t.type(init.uploadUrl, 'string')
  const err = await rejectionOf(
    h.client.posting.initInboxUpload(tokens.accessToken, {
      source: { source: 'FILE_UPLOAD', videoSize: 1_000_000 },
    }),
  )
  t.equal((err as TikTokApiError).tiktokCode, 'spam_risk_too_many_pending_share')
  t.equal((err as TikTokApiError).httpStatus, 403)
})

t.test('posting endpoints classify an expired token, 5xx and 429 faults', async (t) => {
  const h = await startHarness(t)
  const { user, tokens } = await login(h, ['video.publish'])
  h.sandbox.injectFault({ endpoint: 'status.fetch', kind: 'internal_error' })
  const e500 = await rejectionOf(h.client.posting.fetchStatus(tokens.accessToken, 'x'))
  t.equal((e500 as TikTokApiError).category, 'retryable')
  h.sandbox.injectFault({ endpoint: 'creator_info', kind: 'rate_limit' })
  const e429 = await rejectionOf(h.client.posting.queryCreatorInfo(tokens.accessToken))
  t.equal((e429 as TikTokApiError).category, 'rate_limited')
  h.sandbox.expireTokens(user.openId, { access: true, refresh: false })
  const e401 = await rejectionOf(h.client.posting.queryCreatorInfo(tokens.accessToken))
  t.equal((e401 as TikTokApiError).category, 'token_invalid')
})
