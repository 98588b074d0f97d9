import { ErrorCodes } from '@social-bridge/contracts'
import { createInstagramClient, INSTAGRAM_SCOPES } from '@social-bridge/instagram-client'
import t from 'tap'
import { collectEvents, connectionRow } from '../../db.js'
import { asUser, build, startSandbox, waitUntil } from '../../helper.js'
import { connectInstagram } from '../../instagram.js'
import { captureLogs, dumpAuthSchema, leaks } from '../../secrets.js'
import { requestAccessToken } from '../../setup.js'

// One sandbox and one auth-service for the file; each test uses its own tenant.
const sandbox = await startSandbox(t)
const { logStream, text: logs } = captureLogs()
const { app, config } = await build(t, { sandbox, logStream })
const events = collectEvents(app)
const bodies: string[] = []
const codes: string[] = []
const DAY = 86_400_000
const ig = sandbox.instagram
const refreshCalls = () => sandbox.requestLog().filter((e) => e.endpoint === 'ig.token.refresh').length

const admin = (tenantId: string, userId = 'u1') => ({ tenantId, userId })
const get = async (user: { tenantId: string; userId: string }, url: string) => {
  const res = await app.inject({ url, headers: await asUser(user) })
  bodies.push(res.body)
  return res
}
const connect = async (user: { tenantId: string; userId: string }, igUserId: string) => {
  const { done, location } = await connectInstagram(app, sandbox, user, igUserId)
  codes.push(location.searchParams.get('code') ?? '')
  bodies.push(done.body)
  t.equal(done.json().outcome, 'connected')
  return done.json().connectionId as string
}
/** Pretends the stored token was issued `days` ago (and the sandbox's clock moved as far). */
const age = async (id: string, days: number) => {
  sandbox.advanceClock(days * DAY)
  await app.sql`update auth.connections set
    access_token_issued_at = access_token_issued_at - make_interval(days => ${days}),
    access_token_expires_at = access_token_expires_at - make_interval(days => ${days}),
    refresh_token_expires_at = refresh_token_expires_at - make_interval(days => ${days}),
    next_refresh_at = next_refresh_at - make_interval(days => ${days})
    where id = ${id}`
}
const leadDays = async (id: string) => {
  const [row] = await app.sql`select
    extract(epoch from access_token_expires_at - next_refresh_at)::int as lead,
    extract(epoch from next_refresh_at - access_token_issued_at)::int as after
    from auth.connections where id = ${id}`
  return { lead: Number(row?.lead) / 86_400, after: Number(row?.after) / 86_400 }
}

t.test('a professional account connects: Business Login, long-lived token, profile, no notice', async (t) => {
  const user = admin('ig-t1')
  const account = ig.addAccount({ username: 'studio.reels', accountType: 'BUSINESS' })
  const start = await app.inject({
    url: '/connections/instagram/authorize',
    headers: { ...(await asUser(user)), accept: 'application/json' },
  })
  const url = new URL(start.json().authorizeUrl)
  t.equal(`${url.origin}${url.pathname}`, `${sandbox.url}/instagram/www/oauth/authorize`)
  t.match(Object.fromEntries(url.searchParams), {
    client_id: config.INSTAGRAM_APP_ID,
    redirect_uri: config.INSTAGRAM_REDIRECT_URI,
    response_type: 'code',
    scope: INSTAGRAM_SCOPES.join(','),
  })
  t.ok(url.searchParams.get('state'))
  t.notOk(url.searchParams.get('code_challenge'), 'no PKCE')

  const id = await connect(user, account.igUserId)
  const [c] = (await get(user, '/connections?provider=instagram')).json().items
  t.match(c, {
    id,
    provider: 'instagram',
    openId: account.igUserId,
    displayName: 'studio.reels',
    avatarUrl: account.profilePictureUrl,
    status: 'active',
    accountType: 'BUSINESS',
    canPublish: true,
    scopes: [...INSTAGRAM_SCOPES],
  })
  t.notOk('notice' in c)
  const days = (Date.parse(c.accessTokenExpiresAt) - Date.now()) / DAY
  t.ok(days > 59.9 && days <= 60, `the long-lived token's 60 days (${days})`)
  t.equal(c.refreshTokenExpiresAt, c.accessTokenExpiresAt, 'no refresh token: the token itself is refreshed')
  t.same((await get(user, '/connections?provider=tiktok')).json().items, [])

  // the hand-out gives the long-lived token, which works at Instagram
  const handed = await requestAccessToken(app, id)
  t.equal(handed.json().provider, 'instagram')
  const stored = ig.store.tokens.get(handed.json().accessToken)
  t.equal(stored?.kind, 'long', 'the long-lived token is stored, not the short-lived one')
  const client = createInstagramClient({
    appId: 'x',
    appSecret: 'y',
    graphBaseUrl: config.INSTAGRAM_GRAPH_BASE_URL,
  })
  t.teardown(() => client.close())
  t.equal((await client.oauth.getProfile(handed.json().accessToken)).userId, account.igUserId)
  await waitUntil(() =>
    events.events.some((e) => e.body.includes(id) && e.subject === 'social.connection.connected'),
  )
  const connected = events.events.find((e) => e.body.includes(id))!
  t.match(JSON.parse(connected.body).data, { provider: 'instagram', openId: account.igUserId })
})

t.test('a personal account connects with canPublish false and a notice saying what to change', async (t) => {
  const user = admin('ig-t2')
  const account = ig.addAccount({ accountType: 'PERSONAL' })
  const id = await connect(user, account.igUserId)
  const c = (await get(user, `/connections/${id}`)).json()
  t.match(c, {
    status: 'active',
    accountType: 'PERSONAL',
    canPublish: false,
    notice: { code: ErrorCodes.INSTAGRAM_PROFESSIONAL_ACCOUNT_REQUIRED, message: /professional account/ },
  })
  // switching to professional and reconnecting clears the notice, same connection
  account.accountType = 'MEDIA_CREATOR'
  t.equal(await connect(user, account.igUserId), id)
  const after = (await get(user, `/connections/${id}`)).json()
  t.match(after, { accountType: 'MEDIA_CREATOR', canPublish: true })
  t.notOk('notice' in after)
})

t.test('denied consent and a refused code fail cleanly, nothing stored', async (t) => {
  const user = admin('ig-t3')
  const start = await app.inject({
    url: '/connections/instagram/authorize',
    headers: { ...(await asUser(user)), accept: 'application/json' },
  })
  const denied = new URL(ig.deny(start.json().authorizeUrl))
  t.equal(denied.searchParams.get('error'), 'access_denied')
  const account = ig.addAccount()
  sandbox.injectFault({
    endpoint: 'ig.oauth.token',
    kind: 'error',
    code: '400',
    status: 400,
    message: 'Invalid code',
  })
  const { done } = await connectInstagram(app, sandbox, user, account.igUserId)
  t.match(done.json(), { outcome: 'failed', errorCode: ErrorCodes.OAUTH_FAILED })
  sandbox.injectFault({ endpoint: 'ig.token.exchange', kind: 'internal_error' })
  const { done: down } = await connectInstagram(app, sandbox, user, account.igUserId)
  t.match(down.json(), { outcome: 'failed', errorCode: ErrorCodes.TIKTOK_UNAVAILABLE })
  t.same((await get(user, '/connections')).json().items, [])
})

t.test(
  'refresh timing: not before 24 h, due 10 days before expiry, then 60 days from the refresh',
  async (t) => {
    const user = admin('ig-t4')
    const id = await connect(user, ig.addAccount().igUserId)
    const timing = await leadDays(id)
    t.ok(Math.abs(timing.lead - 10) < 0.01, `due 10 days before expiry (${timing.lead})`)
    const before = refreshCalls()
    t.match(await app.refreshScheduler.runOnce(), { refreshed: 0 }, 'nothing is due right after connecting')

    // a young token is never sent to Instagram, even by an admin's refresh; the token keeps working
    const first = (await requestAccessToken(app, id)).json().accessToken
    const manual = await app.inject({
      method: 'POST',
      url: `/connections/${id}/refresh`,
      headers: await asUser(user),
    })
    t.equal(manual.statusCode, 200)
    t.equal(refreshCalls(), before, 'no refresh call before 24 h')
    t.equal((await requestAccessToken(app, id)).json().accessToken, first)

    // 30 days on: still outside the window
    await age(id, 30)
    t.match(await app.refreshScheduler.runOnce(), { refreshed: 0 })
    t.equal(refreshCalls(), before)
    // 51 days on: inside the window → refreshed once, 60 days from now, next due in 50 days
    await age(id, 21)
    t.match(await app.refreshScheduler.runOnce(), { refreshed: 1, reauthRequired: 0, failed: 0 })
    t.equal(refreshCalls(), before + 1)
    const row = await connectionRow(app, id)
    const expiresIn = (new Date(String(row?.access_token_expires_at)).getTime() - Date.now()) / DAY
    t.ok(expiresIn > 59.9 && expiresIn <= 60, `60 days from the refresh (${expiresIn})`)
    t.ok(Math.abs((await leadDays(id)).after - 50) < 0.01)
    const second = (await requestAccessToken(app, id)).json().accessToken
    t.not(second, first)
    t.equal(ig.store.liveToken(second)?.kind, 'long')
    await waitUntil(() =>
      events.events.some((e) => e.body.includes(id) && e.subject === 'social.connection.refreshed'),
    )
  },
)

t.test('a dead grant (token revoked, or expired) is reauth_required, with the event', async (t) => {
  const user = admin('ig-t5')
  const removed = ig.addAccount()
  const id = await connect(user, removed.igUserId)
  await age(id, 51)
  ig.revokeTokens(removed.igUserId) // the user removed the app in Instagram
  t.match(await app.refreshScheduler.runOnce(), { reauthRequired: 1 })
  t.equal((await connectionRow(app, id))?.status, 'reauth_required')
  const lease = await requestAccessToken(app, id)
  t.equal(lease.statusCode, 409)
  t.equal(lease.json().error.code, ErrorCodes.REAUTH_REQUIRED)
  await waitUntil(() =>
    events.events.some((e) => e.body.includes(id) && e.subject === 'social.connection.reauth_required'),
  )
  const reauth = events.events.find(
    (e) => e.body.includes(id) && e.subject === 'social.connection.reauth_required',
  )!
  t.match(JSON.parse(reauth.body).data, { provider: 'instagram', reason: '190' })

  // a token past its expiry is not sent at all
  const late = await connect(admin('ig-t5b'), ig.addAccount().igUserId)
  await app.sql`update auth.connections set refresh_token_expires_at = now() - interval '1 second',
    next_refresh_at = now() - interval '1 second' where id = ${late}`
  const calls = refreshCalls()
  t.match(await app.refreshScheduler.runOnce(), { reauthRequired: 1 })
  t.equal(refreshCalls(), calls)
  t.equal((await connectionRow(app, late))?.status, 'reauth_required')
})

t.test('a transient refresh failure keeps the connection and its token', async (t) => {
  const id = await connect(admin('ig-t6'), ig.addAccount().igUserId)
  await age(id, 51)
  sandbox.injectFault({ endpoint: 'ig.token.refresh', kind: 'rate_limit', count: 10 })
  t.match(await app.refreshScheduler.runOnce(), { refreshed: 0, failed: 1 })
  t.equal((await connectionRow(app, id))?.status, 'active')
  t.equal((await requestAccessToken(app, id)).statusCode, 200, 'the valid token is still handed out')
  sandbox.clearFaults()
})

t.test('tenant isolation: another tenant sees nothing and gets no token', async (t) => {
  const id = await connect(admin('ig-t7'), ig.addAccount().igUserId)
  const other = admin('ig-t7-other')
  t.equal((await get(other, `/connections/${id}`)).statusCode, 404)
  t.same((await get(other, '/connections?provider=instagram')).json().items, [])
  const lease = await requestAccessToken(app, id, { payload: { tenantId: 'ig-t7-other' } })
  t.equal(lease.statusCode, 404)
  const del = await app.inject({ method: 'DELETE', url: `/connections/${id}`, headers: await asUser(other) })
  t.equal(del.statusCode, 404)
  t.equal((await connectionRow(app, id))?.status, 'active')
})

t.test('disconnect deletes the tokens locally (Instagram Login has no revoke endpoint)', async (t) => {
  const user = admin('ig-t8')
  const id = await connect(user, ig.addAccount().igUserId)
  const before = sandbox.requestLog().length
  const del = await app.inject({ method: 'DELETE', url: `/connections/${id}`, headers: await asUser(user) })
  bodies.push(del.body)
  t.equal(del.statusCode, 200)
  t.equal(del.json().status, 'disconnected')
  t.same(
    sandbox
      .requestLog()
      .slice(before)
      .map((e) => e.endpoint),
    [],
    'no call to Instagram',
  )
  const row = await connectionRow(app, id)
  t.equal(row?.access_token_sealed, null)
  t.equal(row?.refresh_token_sealed, null)
})

t.test(
  'no token, code or app secret is ever in a log line, an answer, an event or the database',
  async (t) => {
    await waitUntil(() => events.events.length > 0)
    const tokens = [...ig.store.tokens.keys()]
    t.ok(tokens.length > 10, 'short- and long-lived tokens were issued')
    const secrets = [...tokens, ...codes.filter(Boolean), config.INSTAGRAM_APP_SECRET!]
    const db = await dumpAuthSchema(app)
    const found = leaks(
      {
        logs: logs(),
        answers: bodies.join('\n'),
        events: events.events.map((e) => e.body).join('\n'),
        database: db.values.join('\n'),
      },
      secrets,
    )
    t.same(found, { logs: [], answers: [], events: [], database: [] })
  },
)
