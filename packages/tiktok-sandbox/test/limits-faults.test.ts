import t from 'tap'
import { Agent, request } from 'undici'
import { api, build, connectUser, exchangeCode } from './helper.js'

t.test('the per-token limit answers 429 rate_limit_exceeded in the v2 envelope', async (t) => {
  const sandbox = await build(t, { settings: { rateLimits: { creator_info: { limit: 2, key: 'token' } } } })
  const a = await connectUser(sandbox, ['video.publish'])
  const b = await connectUser(sandbox, ['video.publish'])
  const call = (token: string) => api(sandbox, 'POST', '/v2/post/publish/creator_info/query/', token)
  t.equal((await call(a.accessToken)).status, 200)
  t.equal((await call(a.accessToken)).status, 200)
  const third = await call(a.accessToken)
  t.equal(third.status, 429)
  t.same(third.json.data, {})
  t.equal(third.json.error.code, 'rate_limit_exceeded')
  t.equal((await call(b.accessToken)).status, 200, 'another token has its own window')
  sandbox.advanceClock(60_001)
  t.equal((await call(a.accessToken)).status, 200, 'the window slides')
  t.equal(sandbox.requestLog().filter((e) => e.errorCode === 'rate_limit_exceeded').length, 1)
})

t.test('the Display limit is per app by default', async (t) => {
  const sandbox = await build(t, { settings: { rateLimits: { 'user.info': { limit: 1, key: 'app' } } } })
  const a = await connectUser(sandbox, ['user.info.basic'])
  const b = await connectUser(sandbox, ['user.info.basic'])
  t.equal((await api(sandbox, 'GET', '/v2/user/info/?fields=open_id', a.accessToken)).status, 200)
  t.equal((await api(sandbox, 'GET', '/v2/user/info/?fields=open_id', b.accessToken)).status, 429)
})

t.test(
  'an injected internal_error answers 5xx with the internal_error envelope, then recovers',
  async (t) => {
    const sandbox = await build(t)
    const { accessToken } = await connectUser(sandbox, ['user.info.basic'])
    sandbox.injectFault({ endpoint: 'user.info', kind: 'internal_error', status: 503, count: 2 })
    const r1 = await api(sandbox, 'GET', '/v2/user/info/?fields=open_id', accessToken)
    const r2 = await api(sandbox, 'GET', '/v2/user/info/?fields=open_id', accessToken)
    const r3 = await api(sandbox, 'GET', '/v2/user/info/?fields=open_id', accessToken)
    t.same([r1.status, r2.status, r3.status], [503, 503, 200])
    t.equal(r1.json.error.code, 'internal_error')
    t.same(
      sandbox.requestLog().map((e) => e.fault),
      [undefined, 'internal_error', 'internal_error', undefined],
    )
  },
)

t.test('an injected fault on the token endpoint uses the flat OAuth shape', async (t) => {
  const sandbox = await build(t)
  sandbox.injectFault({ endpoint: 'oauth.token', kind: 'internal_error' })
  const res = await exchangeCode(sandbox, 'whatever')
  t.equal(res.status, 500)
  t.equal(res.json?.error, 'server_error')
  sandbox.injectFault({ endpoint: 'oauth.token', kind: 'rate_limit' })
  const limited = await exchangeCode(sandbox, 'whatever')
  t.equal(limited.status, 429)
  t.same(
    Object.keys(limited.json ?? {}).sort(),
    ['error', 'error_description', 'log_id'],
    'flat, no envelope',
  )
  t.equal(limited.json?.error, 'temporarily_unavailable')
})

t.test(
  'an injected error fault answers its code: flat on OAuth endpoints, enveloped elsewhere',
  async (t) => {
    const sandbox = await build(t, { settings: { oauthErrorHttpStatus: 200 } })
    const { accessToken } = await connectUser(sandbox, ['user.info.basic'])
    sandbox.injectFault({ endpoint: 'oauth.token', kind: 'error', code: 'unauthorized_client' })
    const oauth = await exchangeCode(sandbox, 'whatever')
    t.equal(oauth.status, 200, 'OAuth errors follow oauthErrorHttpStatus')
    t.match(oauth.json, { error: 'unauthorized_client', error_description: String, log_id: String })
    sandbox.injectFault({ endpoint: 'user.info', kind: 'error', code: 'spam_risk', status: 403 })
    const v2 = await api(sandbox, 'GET', '/v2/user/info/?fields=open_id', accessToken)
    t.equal(v2.status, 403)
    t.equal(v2.json.error.code, 'spam_risk')
    t.throws(() => sandbox.injectFault({ endpoint: '*', kind: 'error' }), /needs a code/)
  },
)

t.test('connection_reset drops the connection without a response', async (t) => {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['video.publish'])
  sandbox.injectFault({ endpoint: 'status.fetch', kind: 'connection_reset' })
  await t.rejects(api(sandbox, 'POST', '/v2/post/publish/status/fetch/', accessToken, { publish_id: 'x' }))
  const entry = sandbox.requestLog().find((e) => e.endpoint === 'status.fetch')
  t.match(entry, { status: 0, fault: 'connection_reset' })
  const after = await api(sandbox, 'POST', '/v2/post/publish/status/fetch/', accessToken, { publish_id: 'x' })
  t.equal(after.json.error.code, 'invalid_publish_id', 'only the next request was affected')
})

t.test('timeout holds the request past the client timeout', async (t) => {
  const sandbox = await build(t)
  const { accessToken } = await connectUser(sandbox, ['user.info.basic'])
  sandbox.injectFault({ endpoint: 'user.info', kind: 'timeout', holdMs: 5000 })
  const dispatcher = new Agent({ headersTimeout: 200 })
  t.teardown(() => dispatcher.close())
  await t.rejects(
    request(`${sandbox.url}/v2/user/info/?fields=open_id`, {
      headers: { authorization: `Bearer ${accessToken}` },
      dispatcher,
    }),
    { code: 'UND_ERR_HEADERS_TIMEOUT' },
  )
})
