import t from 'tap'
import { request } from 'undici'
import { build } from './helper.js'

/** A Graph answer: a profile or the error envelope. */
interface GraphBody {
  error: { code: number; error_subcode?: number; fbtrace_id: string; [k: string]: unknown }
  [k: string]: unknown
}

const SCOPES = ['instagram_business_basic', 'instagram_business_content_publish']

t.test('Graph skeleton: token check, /me fields, owner check, usage headers, error envelope', async (t) => {
  const sandbox = await build(t, { instagram: { accounts: [{ username: 'studio', followersCount: 42 }] } })
  const ig = sandbox.instagram
  const [account] = ig.listAccounts()
  const other = ig.addAccount({ accountType: 'PERSONAL' })
  const token = ig.store.issueToken(account!.igUserId, 'long', SCOPES).token
  const graph = (
    path: string,
    init: { method?: 'GET' | 'POST' | 'DELETE'; headers?: Record<string, string> } = {},
  ) =>
    request(`${sandbox.url}/instagram/graph${path}`, init).then(async (r) => ({
      status: r.statusCode,
      headers: r.headers,
      body: (await r.body.json()) as GraphBody,
    }))

  const me = await graph(`/me?fields=user_id,username,account_type,followers_count&access_token=${token}`)
  t.equal(me.status, 200)
  t.same(me.body, {
    user_id: account!.igUserId,
    username: 'studio',
    account_type: 'BUSINESS',
    followers_count: 42,
    id: account!.appScopedId,
  })
  const buc = JSON.parse(String(me.headers['x-business-use-case-usage']))
  t.equal(buc[account!.igUserId][0].type, 'instagram')
  t.equal(buc[account!.igUserId][0].call_count, 1, '1 call of 200 per hour rounds to 1 %')
  t.ok(JSON.parse(String(me.headers['x-app-usage'])).call_count >= 0)

  const bearer = await graph(`/${account!.igUserId}?fields=username`, {
    headers: { authorization: `Bearer ${token}` },
  })
  t.same(bearer.body, { username: 'studio', id: account!.appScopedId }, 'Authorization: Bearer works too')

  const foreign = await graph(`/${other.igUserId}?access_token=${token}`)
  t.equal(foreign.status, 400)
  t.match(foreign.body.error, { code: 100, error_subcode: 33, type: 'GraphMethodException' })
  t.type(foreign.body.error.fbtrace_id, 'string')

  const unknown = await graph(`/123456?access_token=not-a-token`)
  t.match(
    unknown.body.error,
    { code: 190, type: 'OAuthException' },
    'a bad token is reported before the unknown object',
  )
  t.equal(unknown.status, 400)

  const noScope = ig.store.issueToken(account!.igUserId, 'long', ['instagram_business_manage_comments']).token
  t.match((await graph(`/me?access_token=${noScope}`)).body.error, { code: 10 })

  ig.expireTokens(account!.igUserId)
  t.match((await graph(`/me?access_token=${token}`)).body.error, { code: 190, error_subcode: 463 })

  const fresh = ig.store.issueToken(account!.igUserId, 'long', SCOPES).token
  ig.revokeTokens(account!.igUserId)
  const revoked = (await graph(`/me?access_token=${fresh}`)).body.error
  t.equal(revoked.code, 190)
  t.notOk(revoked.error_subcode, 'a revoked token is not "expired"')

  const nowhere = await graph('/a/b/c')
  t.equal(nowhere.status, 400)
  t.equal(nowhere.body.error.code, 100)
})

t.test('faults become Graph errors; calls past the hourly budget get 80002 with a regain time', async (t) => {
  const sandbox = await build(t, { instagram: { settings: { accountCallsPerHour: 3 } } })
  const ig = sandbox.instagram
  const account = ig.addAccount()
  const token = ig.store.issueToken(account.igUserId, 'long', ['instagram_business_basic']).token
  const me = () =>
    request(`${sandbox.url}/instagram/graph/me?access_token=${token}`).then(async (r) => ({
      status: r.statusCode,
      headers: r.headers,
      body: (await r.body.json()) as GraphBody,
    }))
  sandbox.injectFault({ endpoint: 'ig.me', kind: 'internal_error' })
  const failed = await me()
  t.equal(failed.status, 500)
  t.match(failed.body.error, { code: 2, is_transient: true })
  sandbox.injectFault({
    endpoint: 'ig.me',
    kind: 'error',
    code: '613',
    status: 400,
    message: 'Calls within one hour exceeded',
  })
  t.match((await me()).body.error, { code: 613, message: 'Calls within one hour exceeded' })

  for (let i = 0; i < 3; i++) t.equal((await me()).status, 200)
  const limited = await me()
  t.equal(limited.body.error.code, 80002)
  const usage = JSON.parse(String(limited.headers['x-business-use-case-usage']))[account.igUserId][0]
  t.ok(usage.call_count >= 100)
  t.ok(usage.estimated_time_to_regain_access > 0 && usage.estimated_time_to_regain_access <= 60)
  sandbox.advanceClock(3_601_000)
  t.equal((await me()).status, 200, 'the window rolls on the virtual clock')
})
