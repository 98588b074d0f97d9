import t, { type Test } from 'tap'
import {
  createPkcePair,
  createTikTokClient,
  TikTokApiError,
  TikTokInvalidArgumentError,
} from '../src/index.js'
import { reply, type StubRequest, stubServer } from './helpers/stub-server.js'

// Wire-shape variants the sandbox may not produce (docs/tiktok-api.md §2.1, the shapes it marks as reported rather than documented). The sandbox
// contract tests cover the documented behaviour end to end.

async function clientFor(t: Test, handler: (req: StubRequest) => [number, unknown]) {
  const stub = await stubServer(t, (req, res) => {
    const [status, body] = handler(req)
    reply(res, status, body)
  })
  const client = createTikTokClient({
    clientKey: 'ck',
    clientSecret: 'cs',
    apiBaseUrl: stub.url,
    authBaseUrl: stub.url,
  })
  t.teardown(() => client.close())
  return { client, requests: stub.requests }
}

t.test(
  'the authorize URL carries client_key, comma scopes, state, response_type=code and hex S256 PKCE',
  async (t) => {
    const client = createTikTokClient({
      clientKey: 'ck',
      clientSecret: 'cs',
      redirectUri: 'https://app.example/cb',
    })
    t.teardown(() => client.close())
    const pkce = createPkcePair()
    const url = new URL(
      client.oauth.buildAuthorizeUrl({
        scopes: ['user.info.basic', 'video.list'],
        state: 's t&x',
        codeChallenge: pkce.codeChallenge,
      }),
    )
    t.equal(url.origin + url.pathname, 'https://www.tiktok.com/v2/auth/authorize/')
    t.equal(url.searchParams.get('client_key'), 'ck')
    t.equal(url.searchParams.get('client_id'), null)
    t.equal(url.searchParams.get('scope'), 'user.info.basic,video.list')
    t.equal(url.searchParams.get('state'), 's t&x')
    t.equal(url.searchParams.get('response_type'), 'code')
    t.equal(url.searchParams.get('redirect_uri'), 'https://app.example/cb')
    t.equal(url.searchParams.get('code_challenge'), pkce.codeChallenge)
    t.equal(url.searchParams.get('code_challenge_method'), 'S256')
    t.throws(
      () => client.oauth.buildAuthorizeUrl({ scopes: ['a'], state: 's', codeChallenge: 'base64url-not-hex' }),
      TikTokInvalidArgumentError,
    )
  },
)

t.test('the callback parser URL-decodes code (with * and !) and splits the plural scopes', async (t) => {
  const client = createTikTokClient({ clientKey: 'ck', clientSecret: 'cs' })
  t.teardown(() => client.close())
  const cb = client.oauth.parseCallback(
    'https://app.example/cb?code=ab*0%216410&scopes=user.info.basic%2Cvideo.list&state=xyz',
  )
  t.same(cb, { code: 'ab*0!6410', scopes: ['user.info.basic', 'video.list'], state: 'xyz' })
})

t.test(
  'the token call is form-encoded with client_secret in the body and returns a camelCase TokenSet',
  async (t) => {
    const { client, requests } = await clientFor(t, () => [
      200,
      {
        access_token: 'act.1',
        expires_in: 7200,
        open_id: 'o1',
        refresh_expires_in: 15552000,
        refresh_token: 'rft.2',
        scope: 'user.info.basic,video.list',
        token_type: 'Bearer',
      },
    ])
    const tokens = await client.oauth.exchangeCode({
      code: 'ab*0!6410',
      codeVerifier: 'v'.repeat(43),
      redirectUri: 'https://r/',
    })
    t.same(tokens, {
      accessToken: 'act.1',
      expiresInSec: 7200,
      openId: 'o1',
      refreshToken: 'rft.2',
      refreshExpiresInSec: 15552000,
      scopes: ['user.info.basic', 'video.list'],
      tokenType: 'Bearer',
    })
    const req = requests[0]
    t.equal(req?.url, '/v2/oauth/token/')
    t.equal(req?.headers['content-type'], 'application/x-www-form-urlencoded')
    const form = new URLSearchParams(req?.body)
    t.equal(form.get('client_key'), 'ck')
    t.equal(form.get('client_secret'), 'cs')
    t.equal(form.get('code'), 'ab*0!6410')
    t.equal(form.get('grant_type'), 'authorization_code')
    t.equal(form.get('code_verifier'), 'v'.repeat(43))
  },
)

t.test('an envelope with numeric code 0 and no data member is a success', async (t) => {
  const { client } = await clientFor(t, () => [200, { error: { code: 0, message: '', log_id: 'x' } }])
  await t.resolves(client.posting.cancel('act.x', 'p1'))
})

t.test('an error envelope without data is read the same as one with data: {}', async (t) => {
  for (const withData of [true, false]) {
    const body = {
      ...(withData ? { data: {} } : {}),
      error: { code: 'invalid_param', message: 'bad', log_id: 'L9' },
    }
    const { client } = await clientFor(t, () => [400, body])
    const err = await client.posting.fetchStatus('act.x', 'p1').catch((e: unknown) => e)
    t.ok(err instanceof TikTokApiError)
    t.equal((err as TikTokApiError).tiktokCode, 'invalid_param')
    t.ok((err as TikTokApiError).hasTikTokCode('invalid_params'))
    t.equal((err as TikTokApiError).logId, 'L9')
    t.equal((err as TikTokApiError).category, 'permanent')
  }
})

t.test('an error envelope with HTTP 200 is still an error', async (t) => {
  const { client } = await clientFor(t, () => [
    200,
    { data: {}, error: { code: 'spam_risk_too_many_posts', message: '', log_id: 'L' } },
  ])
  const err = await client.posting.queryCreatorInfo('act.x').catch((e: unknown) => e)
  t.ok(err instanceof TikTokApiError)
  t.equal((err as TikTokApiError).httpStatus, 200)
  t.equal((err as TikTokApiError).tiktokCode, 'spam_risk_too_many_posts')
})

t.test('creator_info is a POST with JSON content type, bearer token and no body', async (t) => {
  const { client, requests } = await clientFor(t, () => [
    200,
    {
      data: { privacy_level_options: ['SELF_ONLY'], max_video_post_duration_sec: 60 },
      error: { code: 'ok' },
    },
  ])
  const info = await client.posting.queryCreatorInfo('act.tok')
  t.same(info.privacyLevelOptions, ['SELF_ONLY'])
  t.equal(requests[0]?.method, 'POST')
  t.equal(requests[0]?.headers.authorization, 'Bearer act.tok')
  t.equal(requests[0]?.body, '')
})

t.test(
  'the direct post body puts the cover timestamp in post_info and always sends both brand toggles',
  async (t) => {
    const { client, requests } = await clientFor(t, () => [
      200,
      { data: { publish_id: 'p', upload_url: 'http://u/' }, error: { code: 'ok' } },
    ])
    const r = await client.posting.initDirectPost('act.x', {
      postInfo: { privacyLevel: 'SELF_ONLY', title: 't', videoCoverTimestampMs: 1000 },
      source: { source: 'FILE_UPLOAD', videoSize: 50_000_123, preferredChunkSize: 10_000_000 },
    })
    const body = JSON.parse(requests[0]?.body ?? '{}')
    t.same(body, {
      post_info: {
        title: 't',
        privacy_level: 'SELF_ONLY',
        video_cover_timestamp_ms: 1000,
        brand_content_toggle: false,
        brand_organic_toggle: false,
      },
      source_info: {
        source: 'FILE_UPLOAD',
        video_size: 50_000_123,
        chunk_size: 10_000_000,
        total_chunk_count: 5,
      },
    })
    t.equal(r.chunkPlan?.totalChunkCount, 5)
    t.equal(r.uploadUrl, 'http://u/')
  },
)

t.test('video query splits 45 ids into calls of 20, 20 and 5 and merges the results', async (t) => {
  const { client, requests } = await clientFor(t, (req) => {
    const ids = JSON.parse(req.body).filters.video_ids as string[]
    return [200, { data: { videos: ids.map((id) => ({ id })) }, error: { code: 'ok' } }]
  })
  const ids = Array.from({ length: 45 }, (_, i) => `70776424578479944${String(i).padStart(2, '0')}`)
  const videos = await client.display.queryVideos('act.x', [...ids, ids[0] as string], ['id'])
  t.same(
    requests.map((r) => JSON.parse(r.body).filters.video_ids.length),
    [20, 20, 5],
  )
  t.same(
    videos.map((v) => v.id),
    ids,
  )
  t.match(requests[0]?.url, /^\/v2\/video\/query\/\?fields=id$/)
})

t.test('video list rejects max_count above 20 before calling TikTok', async (t) => {
  const { client, requests } = await clientFor(t, () => [200, { data: {}, error: { code: 'ok' } }])
  await t.rejects(client.display.listVideos('act.x', { maxCount: 21 }), TikTokInvalidArgumentError)
  t.equal(requests.length, 0)
})
