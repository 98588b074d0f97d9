import t, { type Test } from 'tap'
import { hashState } from '../../../src/repositories/oauth-states.js'
import { STATE_COOKIE } from '../../../src/routes/connections/state-cookie.js'
import { collectEvents, connectionRow, count } from '../../db.js'
import {
  asService,
  asUser,
  build,
  CRM_ORIGIN,
  callbackPath,
  connectAccount,
  consent,
  cookieHeader,
  DEFAULT_RETURN_URL,
  startSandbox,
  waitUntil,
} from '../../helper.js'
import { requestAccessToken } from '../../setup.js'

const alice = { tenantId: 'tenant-a', userId: 'alice' }
const bob = { tenantId: 'tenant-a', userId: 'bob' }

async function setup(t: Test) {
  const sandbox = await startSandbox(t)
  const { app } = await build(t, { sandbox })
  return { sandbox, app }
}

async function authorize(app: Awaited<ReturnType<typeof setup>>['app'], user = alice, query = '') {
  const res = await app.inject({
    method: 'GET',
    url: `/connections/tiktok/authorize${query}`,
    headers: await asUser({ ...user, roles: ['social_marketing'] }),
  })
  return { res, cookie: cookieHeader(res.headers['set-cookie']), authorizeUrl: String(res.headers.location) }
}

async function callback(app: Awaited<ReturnType<typeof setup>>['app'], location: string, cookie?: string) {
  return app.inject({
    method: 'GET',
    url: callbackPath(location),
    headers: { ...(await asService('gateway')), ...(cookie ? { cookie } : {}) },
  })
}

t.test(
  'the full connect journey through the consent page stores the account and returns to the CRM',
  async (t) => {
    const { sandbox, app } = await setup(t)
    const events = collectEvents(app)
    const creator = sandbox.addUser({ displayName: 'Creator One' })
    const start = await authorize(app)
    t.equal(start.res.statusCode, 302)
    t.ok(start.authorizeUrl.startsWith(`${sandbox.url}/v2/auth/authorize/`), 'redirects to TikTok authorize')
    const q = new URL(start.authorizeUrl).searchParams
    t.equal(q.get('code_challenge_method'), 'S256')
    t.match(q.get('code_challenge'), /^[0-9a-f]{64}$/)
    t.equal(
      q.get('scope'),
      'user.info.basic,user.info.profile,user.info.stats,video.list,video.upload,video.publish',
    )
    const setCookie = String(start.res.headers['set-cookie'])
    t.match(setCookie, /HttpOnly/)
    t.match(setCookie, /SameSite=Lax/)

    const location = await consent(start.authorizeUrl, creator.openId)
    const done = await callback(app, location, start.cookie)
    t.equal(done.statusCode, 302)
    const back = new URL(String(done.headers.location))
    t.equal(`${back.origin}${back.pathname}`, DEFAULT_RETURN_URL)
    t.equal(back.searchParams.get('outcome'), 'connected')
    const connectionId = back.searchParams.get('connectionId')!
    const row = await connectionRow(app, connectionId)
    t.match(row, {
      tenant_id: 'tenant-a',
      open_id: creator.openId,
      display_name: 'Creator One',
      status: 'active',
    })
    t.ok(await waitUntil(() => events.events.some((e) => e.subject === 'social.connection.connected')))
    const event = JSON.parse(events.events.find((e) => e.subject === 'social.connection.connected')!.body)
    t.match(event.data, { connectionId, openId: creator.openId, userId: 'alice', reconnected: false })
    const [audit] =
      await app.sql`select actor, action from auth.audit_log where connection_id = ${connectionId}`
    t.same(audit, { actor: 'alice', action: 'connection.connected' })
  },
)

t.test('reconnecting the same account updates tokens and scopes without duplicating it', async (t) => {
  const { sandbox, app } = await setup(t)
  const events = collectEvents(app)
  const creator = sandbox.addUser()
  const first = await connectAccount(app, alice, creator.openId)
  const start = await authorize(app, bob)
  // the user unticked a toggleable scope: TikTok grants fewer (docs/tiktok-api.md §1.2)
  const restricted = await sandbox.approve(start.authorizeUrl, {
    openId: creator.openId,
    scopes: ['user.info.basic', 'video.list'],
  })
  const done = await callback(app, restricted, start.cookie)
  t.equal(new URL(String(done.headers.location)).searchParams.get('connectionId'), first.connectionId)
  t.equal(await count(app, 'connections'), 1, 'still one row')
  const row = await connectionRow(app, first.connectionId)
  t.same(row?.scopes, ['user.info.basic', 'video.list'])
  t.ok(row?.refresh_token_sealed, 'the refresh token is kept')
  const handed = await requestAccessToken(app, first.connectionId, { payload: { forceRefresh: true } })
  t.equal(handed.statusCode, 200, 'the stored refresh token still works')
  t.ok(
    await waitUntil(() =>
      events.events.some(
        (e) => e.subject === 'social.connection.connected' && e.body.includes('"reconnected":true'),
      ),
    ),
  )
})

t.test('a user who denies consent is sent back with outcome denied and nothing is stored', async (t) => {
  const { sandbox, app } = await setup(t)
  sandbox.addUser()
  const start = await authorize(
    app,
    alice,
    `?returnUrl=${encodeURIComponent(`${CRM_ORIGIN}/tiktok/done?x=1`)}`,
  )
  const location = await consent(start.authorizeUrl, '', 'deny')
  const done = await callback(app, location, start.cookie)
  const back = new URL(String(done.headers.location))
  t.equal(`${back.origin}${back.pathname}`, `${CRM_ORIGIN}/tiktok/done`)
  t.equal(back.searchParams.get('x'), '1', 'the CRM query is kept')
  t.equal(back.searchParams.get('outcome'), 'denied')
  t.equal(back.searchParams.get('errorCode'), 'OAUTH_DENIED')
  t.equal(await count(app, 'connections'), 0)
})

t.test('the callback answers JSON when asked', async (t) => {
  const { sandbox, app } = await setup(t)
  const creator = sandbox.addUser()
  const { result } = await connectAccount(app, alice, creator.openId)
  t.match(result, { outcome: 'connected', connectionId: /^[0-9a-f-]{36}$/ })
})

t.test('a return URL outside the allowlist is refused (no open redirect)', async (t) => {
  const { app } = await setup(t)
  for (const url of ['https://evil.test/', 'https://crm.test.evil.test/', 'javascript:alert(1)']) {
    const { res } = await authorize(app, alice, `?returnUrl=${encodeURIComponent(url)}`)
    t.equal(res.statusCode, 400, url)
  }
})

t.test('only admin and social_marketing may start connecting', async (t) => {
  const { app } = await setup(t)
  const res = await app.inject({
    method: 'GET',
    url: '/connections/tiktok/authorize',
    headers: await asUser({ ...alice, roles: ['sales'] }),
  })
  t.equal(res.statusCode, 403)
})

t.test('the callback requires the gateway identity', async (t) => {
  const { sandbox, app } = await setup(t)
  const creator = sandbox.addUser()
  const start = await authorize(app)
  const location = await consent(start.authorizeUrl, creator.openId)
  const res = await app.inject({
    method: 'GET',
    url: callbackPath(location),
    headers: { ...(await asUser(alice)), cookie: start.cookie },
  })
  t.equal(res.statusCode, 403)
  t.equal(await count(app, 'connections'), 0)
})

t.test('invalid states are refused with 403 and nothing is stored', async (t) => {
  const { sandbox, app } = await setup(t)
  const creator = sandbox.addUser()
  const expectRefused = async (t: Test, res: Awaited<ReturnType<typeof callback>>, reason: string) => {
    t.equal(res.statusCode, 403)
    t.equal(res.json().error.code, 'OAUTH_STATE_INVALID')
    t.equal(res.json().error.details.reason, reason)
    t.equal(await count(app, 'connections'), 0, 'nothing stored')
  }

  t.test('a missing cookie', async (t) => {
    const start = await authorize(app)
    await expectRefused(t, await callback(app, await consent(start.authorizeUrl, creator.openId)), 'missing')
  })

  t.test('a forged (unsigned) cookie', async (t) => {
    const start = await authorize(app)
    const forged = start.cookie.replace(/=([^.;]+)\.[^;]+/, '=$1.AAAA')
    await expectRefused(
      t,
      await callback(app, await consent(start.authorizeUrl, creator.openId), forged),
      'missing',
    )
  })

  t.test('a forged state', async (t) => {
    const start = await authorize(app)
    const location = new URL(await consent(start.authorizeUrl, creator.openId))
    location.searchParams.set('state', 'forged-state-value')
    await expectRefused(t, await callback(app, location.href, start.cookie), 'other_user')
  })

  t.test('an unknown state with a matching cookie', async (t) => {
    const start = await authorize(app)
    const location = await consent(start.authorizeUrl, creator.openId)
    await app.sql`delete from auth.oauth_states`
    await expectRefused(t, await callback(app, location, start.cookie), 'unknown')
  })

  t.test('an expired state', async (t) => {
    const start = await authorize(app)
    const location = await consent(start.authorizeUrl, creator.openId)
    await app.sql`update auth.oauth_states set expires_at = now() - interval '1 second'`
    await expectRefused(t, await callback(app, location, start.cookie), 'expired')
  })

  t.test('a state reused after a successful connect', async (t) => {
    const start = await authorize(app)
    const location = await consent(start.authorizeUrl, creator.openId)
    const first = await callback(app, location, start.cookie)
    t.equal(new URL(String(first.headers.location)).searchParams.get('outcome'), 'connected')
    const replay = await callback(app, location, start.cookie)
    t.equal(replay.statusCode, 403)
    t.equal(replay.json().error.details.reason, 'reused')
    t.equal(await count(app, 'connections'), 1, 'nothing more stored')
    await app.sql`delete from auth.connections`
  })

  t.test('a state reused after a denial', async (t) => {
    const start = await authorize(app)
    const location = await consent(start.authorizeUrl, creator.openId)
    const denied = new URL(location)
    denied.searchParams.delete('code')
    denied.searchParams.set('error', 'access_denied')
    t.equal((await callback(app, denied.href, start.cookie)).statusCode, 302, 'first use is accepted')
    await expectRefused(t, await callback(app, location, start.cookie), 'reused')
  })

  t.test("another user's state, with that user's cookie", async (t) => {
    const aliceStart = await authorize(app, alice)
    const bobStart = await authorize(app, bob)
    const aliceLocation = await consent(aliceStart.authorizeUrl, creator.openId)
    await expectRefused(t, await callback(app, aliceLocation, bobStart.cookie), 'other_user')
  })

  t.test("another user's state, even bound to it by a server-signed cookie", async (t) => {
    // Bob holds a valid cookie naming Alice's state: only the stored tenant/user binding refuses it.
    const aliceStart = await authorize(app, alice)
    const aliceLocation = await consent(aliceStart.authorizeUrl, creator.openId)
    const state = new URL(aliceLocation).searchParams.get('state')!
    const binding = { t: bob.tenantId, u: bob.userId, h: hashState(state) }
    const value = Buffer.from(JSON.stringify(binding), 'utf8').toString('base64url')
    const bobCookie = `${STATE_COOKIE}=${encodeURIComponent(app.signCookie(value))}`
    await expectRefused(t, await callback(app, aliceLocation, bobCookie), 'other_user')
    const own = await callback(app, aliceLocation, aliceStart.cookie)
    t.equal(
      new URL(String(own.headers.location)).searchParams.get('outcome'),
      'connected',
      'the state was not consumed: its owner still can',
    )
    await app.sql`delete from auth.connections`
  })
})
