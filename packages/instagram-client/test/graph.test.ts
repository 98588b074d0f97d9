import { createSandbox, type Sandbox } from '@social-bridge/tiktok-sandbox'
import t, { type Test } from 'tap'
import { createGraphHttp, type GraphHttpOptions, InstagramGraphError, parseUsage } from '../src/index.js'

const APP_SECRET = 'test-ig-app-secret-0123'
const sandbox: Sandbox = await createSandbox({ instagram: { appSecret: APP_SECRET } })
t.teardown(() => sandbox.close())

function graph(over: GraphHttpOptions = {}) {
  const g = createGraphHttp({
    graphBaseUrl: `${sandbox.url}/instagram/graph`,
    secrets: [APP_SECRET],
    ...over,
  })
  t.teardown(() => g.close())
  return g
}

function tokenFor(scopes = ['instagram_business_basic']) {
  const account = sandbox.instagram.addAccount({ username: 'reels_studio' })
  return { account, token: sandbox.instagram.store.issueToken(account.igUserId, 'long', scopes).token }
}

async function failure(t: Test, p: Promise<unknown>): Promise<InstagramGraphError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  t.type(err, InstagramGraphError)
  return err as InstagramGraphError
}

t.test('a Graph GET: JSON body, 17-digit ids kept exact, usage headers parsed', async (t) => {
  const { account, token } = tokenFor()
  const res = await graph().request<{ user_id: string; username: string }>({
    path: '/me',
    query: { fields: 'user_id,username', unused: undefined },
    accessToken: token,
  })
  t.equal(res.status, 200)
  t.equal(res.body.user_id, account.igUserId)
  t.equal(res.body.username, 'reels_studio')
  t.equal(res.usage.businessUseCase[0]?.id, account.igUserId)
  t.equal(res.usage.businessUseCase[0]?.type, 'instagram')
  t.ok(res.usage.app, 'X-App-Usage read')
  t.equal(res.usage.maxPercent, Math.max(res.usage.businessUseCase[0]!.callCount, res.usage.app!.callCount))
})

t.test('parseUsage reads Meta’s documented header examples and survives garbage', async (t) => {
  const u = parseUsage({
    'x-app-usage': '{"call_count":28,"total_time":25,"total_cputime":25}',
    'x-business-use-case-usage':
      '{"17841400000000000":[{"type":"instagram","call_count":100,"total_cputime":12,"total_time":30,"estimated_time_to_regain_access":7}]}',
  })
  t.same(u.app, { callCount: 28, totalTime: 25, totalCputime: 25 })
  t.equal(u.businessUseCase[0]!.id, '17841400000000000')
  t.equal(u.maxPercent, 100)
  t.equal(u.regainAccessMs, 7 * 60_000)
  const none = parseUsage({ 'x-app-usage': 'not json' })
  t.same(none, { app: undefined, businessUseCase: [], maxPercent: 0, regainAccessMs: 0 })
})

t.test(
  'error categories: 190 grant_invalid, 4/17/32/613 and 429 rate_limited, 5xx retryable, 100 failed',
  async (t) => {
    const { account, token } = tokenFor()
    const g = graph()
    const dead = await failure(t, g.request({ path: '/me', accessToken: 'IGAAnot-a-real-token' }))
    t.match(dead, {
      kind: 'graph_error',
      code: 190,
      category: 'grant_invalid',
      type: 'OAuthException',
      httpStatus: 400,
    })
    for (const code of ['4', '17', '32', '613']) {
      sandbox.injectFault({ endpoint: 'ig.me', kind: 'error', code, status: 400 })
      t.equal(
        (await failure(t, g.request({ path: '/me', accessToken: token }))).category,
        'rate_limited',
        `code ${code}`,
      )
    }
    sandbox.injectFault({ endpoint: 'ig.me', kind: 'error', code: '100', status: 429 })
    t.equal(
      (await failure(t, g.request({ path: '/me', accessToken: token }))).category,
      'rate_limited',
      'HTTP 429',
    )
    sandbox.injectFault({ endpoint: 'ig.me', kind: 'internal_error' })
    const server = await failure(t, g.request({ path: '/me', accessToken: token }))
    t.match(server, { code: 2, category: 'retryable', httpStatus: 500 })
    const other = tokenFor().account
    const foreign = await failure(t, g.request({ path: `/${other.igUserId}`, accessToken: token }))
    t.match(foreign, { code: 100, subcode: 33, category: 'failed' })
    t.type(foreign.fbtraceId, 'string')
    t.ok(
      foreign.usage?.businessUseCase.some((b) => b.id === account.igUserId),
      'errors carry the usage too',
    )
    sandbox.injectFault({ endpoint: 'ig.me', kind: 'connection_reset' })
    t.match(await failure(t, g.request({ path: '/me', accessToken: token })), {
      kind: 'connection_error',
      category: 'retryable',
    })
  },
)

t.test('a held request times out as retryable', async (t) => {
  const { token } = tokenFor()
  sandbox.injectFault({ endpoint: 'ig.me', kind: 'timeout', holdMs: 2_000 })
  const err = await failure(t, graph({ timeoutMs: 100 }).request({ path: '/me', accessToken: token }))
  t.match(err, { kind: 'timeout', category: 'retryable' })
})

t.test('tokens, the app secret and codes never reach a message, its JSON or its stack', async (t) => {
  const { token } = tokenFor()
  const echoed = `access_token=${token}&client_secret=${APP_SECRET}&code=AQsecretcode123 unknown access_token=IGAAother`
  sandbox.injectFault({ endpoint: 'ig.me', kind: 'error', code: '100', message: `bad request ${echoed}` })
  const errors = [
    await failure(t, graph().request({ path: '/me', accessToken: token })),
    await failure(
      t,
      graph({ graphBaseUrl: 'http://127.0.0.1:9' }).request({ path: '/me', accessToken: token }),
    ),
  ]
  t.match(errors[0]!.message, /bad request access_token=\[REDACTED\]/)
  for (const err of errors) {
    const text = `${err.message} ${JSON.stringify(err)} ${err.stack} ${String(err)}`
    for (const secret of [token, APP_SECRET, 'AQsecretcode123', 'IGAAother']) t.notMatch(text, secret)
  }
})
