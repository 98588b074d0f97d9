import t from 'tap'
import { collectEvents, expireStoredAccessToken } from '../db.js'
import {
  asService,
  asUser,
  build,
  callbackPath,
  consent,
  cookieHeader,
  startSandbox,
  waitUntil,
} from '../helper.js'
import { captureLogs, dumpAuthSchema, leaks } from '../secrets.js'
import { requestAccessToken } from '../setup.js'
import { startTikTokRecorder } from '../tiktok-recorder.js'

t.test('no token, secret or code appears in logs, error bodies, events or the database', async (t) => {
  const sandbox = await startSandbox(t)
  const { logStream, text: logs } = captureLogs()
  // every code, PKCE verifier and token exchanged with TikTok, as seen on the wire
  const tiktok = await startTikTokRecorder(t, sandbox.url)
  const { app, config } = await build(t, {
    sandbox,
    logStream,
    overrides: { TIKTOK_API_BASE_URL: tiktok.url },
  })
  const events = collectEvents(app)
  const secrets = new Set<string>([
    config.TIKTOK_CLIENT_SECRET,
    config.OAUTH_COOKIE_SECRET,
    config.INTERNAL_JWT_SECRET,
  ])
  const bodies: string[] = []
  const user = { tenantId: 't1', userId: 'u1' }
  const creator = sandbox.addUser()
  const other = sandbox.addUser()

  // connect (redirect mode), recording the code and the state
  const connect = async (openId: string) => {
    const start = await app.inject({ url: '/connections/tiktok/authorize', headers: await asUser(user) })
    const location = await consent(String(start.headers.location), openId)
    const done = await app.inject({
      url: callbackPath(location),
      headers: { ...(await asService('gateway')), cookie: cookieHeader(start.headers['set-cookie']) },
    })
    bodies.push(done.body, String(done.headers.location))
    // replaying the same callback (reused state) is an error body to check too
    const replay = await app.inject({
      url: callbackPath(location),
      headers: { ...(await asService('gateway')), cookie: cookieHeader(start.headers['set-cookie']) },
    })
    bodies.push(replay.body)
    return new URL(String(done.headers.location)).searchParams.get('connectionId')!
  }
  const id = await connect(creator.openId)
  const id2 = await connect(other.openId)
  const getToken = async (connectionId: string, payload: Record<string, unknown> = {}) => {
    const res = await requestAccessToken(app, connectionId, { payload })
    if (res.statusCode !== 200) bodies.push(res.body)
    return res
  }
  await getToken(id)
  await getToken(id, { forceRefresh: true })
  await expireStoredAccessToken(app, id)
  sandbox.injectFault({ endpoint: 'oauth.token', kind: 'internal_error', count: 3 })
  await getToken(id) // 503 after retries
  await getToken(id) // refreshed
  sandbox.expireTokens(other.openId, { access: true, refresh: true })
  await expireStoredAccessToken(app, id2)
  await getToken(id2) // invalid_grant → 409
  sandbox.injectFault({ endpoint: 'oauth.revoke', kind: 'internal_error' })
  bodies.push(
    (await app.inject({ method: 'DELETE', url: `/connections/${id}`, headers: await asUser(user) })).body,
  )
  await waitUntil(() => events.events.some((e) => e.subject === 'social.connection.disconnected'))

  const dump = await dumpAuthSchema(app)
  t.ok(dump.columns > 10)

  const places = {
    logs: logs(),
    bodies: bodies.join('\n'),
    events: events.events.map((e) => e.body).join('\n'),
    database: dump.values.join('\n'),
  }
  const seen = (field: string) => tiktok.values.get(field)?.size ?? 0
  t.equal(seen('code'), 2, 'both authorization codes were recorded')
  t.equal(seen('code_verifier'), 2, 'both PKCE verifiers were recorded')
  t.ok(seen('access_token') >= 4 && seen('refresh_token') >= 4, 'issued and rotated tokens were recorded')
  for (const value of tiktok.all()) secrets.add(value)
  t.ok(places.logs.length > 1000 && places.events.length > 100, 'there was output to check')
  t.same(
    leaks(places, secrets),
    { logs: [], bodies: [], events: [], database: [] },
    `no place holds any of the ${secrets.size} secret values`,
  )
})
