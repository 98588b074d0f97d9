import { createTikTokShopClient } from '@social-bridge/tiktok-shop-client'
import t from 'tap'
import { collectEvents, connectionRow, expireStoredAccessToken } from '../../db.js'
import { asService, asUser, build, startSandbox, waitUntil } from '../../helper.js'
import { captureLogs, dumpAuthSchema, leaks } from '../../secrets.js'
import { requestAccessToken } from '../../setup.js'
import { connectedShop, connectShop } from '../../shop.js'
import { startTikTokRecorder } from '../../tiktok-recorder.js'

// One sandbox and one auth-service for the file; each test uses its own tenant.
const sandbox = await startSandbox(t)
const { logStream, text: logs } = captureLogs()
// every auth code, app secret and token exchanged with TikTok Shop, as seen on the wire
const wire = await startTikTokRecorder(t, sandbox.url)
const { app, config } = await build(t, {
  sandbox,
  logStream,
  overrides: { TIKTOK_SHOP_AUTH_BASE_URL: wire.url, TIKTOK_SHOP_API_BASE_URL: wire.url },
})
const events = collectEvents(app)
const bodies: string[] = []
const refreshCalls = () => sandbox.requestLog().filter((e) => e.endpoint === 'shop.token.refresh').length

const admin = (tenantId: string, userId = 'u1') => ({ tenantId, userId })
const get = async (user: { tenantId: string; userId: string }, url: string) => {
  const res = await app.inject({ url, headers: await asUser(user) })
  bodies.push(res.body)
  return res
}

t.test(
  'a seller connects: shops, seller name, scopes and expiry are shown, never a token or the cipher',
  async (t) => {
    const user = admin('shop-t1')
    const seller = sandbox.shop.addSeller({ sellerName: 'Acme Seller', region: 'GB', shopNames: ['Acme UK'] })
    const start = await app.inject({
      url: '/connections/tiktok_shop/authorize',
      headers: { ...(await asUser(user)), accept: 'application/json' },
    })
    const authorizeUrl = new URL(start.json().authorizeUrl)
    t.equal(authorizeUrl.pathname, '/open/authorize')
    t.equal(authorizeUrl.searchParams.get('service_id'), config.TIKTOK_SHOP_SERVICE_ID)
    t.ok(authorizeUrl.searchParams.get('state'))

    const id = await connectedShop(app, sandbox, user, seller.openId)
    const list = await get(user, '/connections?provider=tiktok_shop')
    t.equal(list.statusCode, 200)
    const [c] = list.json().items
    t.match(c, {
      id,
      provider: 'tiktok_shop',
      openId: seller.openId,
      status: 'active',
      sellerName: 'Acme Seller',
      shops: [{ shopId: seller.shops[0]!.id, name: 'Acme UK', region: 'GB' }],
      scopes: ['seller.authorization.info', 'seller.shop.info'],
    })
    t.ok(
      Date.parse(c.accessTokenExpiresAt) > Date.now() + 6 * 86_400_000,
      'about 7 days (absolute expiry read)',
    )
    t.notMatch(list.body, seller.shops[0]!.cipher, 'the shop cipher stays server-side')
    t.same((await get(user, '/connections?provider=tiktok')).json().items, [])
    t.equal((await get(user, `/connections/${id}`)).json().shops.length, 1)

    // the hand-out gives a token that works at TikTok Shop
    const handed = await requestAccessToken(app, id)
    t.equal(handed.json().provider, 'tiktok_shop')
    const client = createTikTokShopClient({
      appKey: config.TIKTOK_SHOP_APP_KEY!,
      appSecret: config.TIKTOK_SHOP_APP_SECRET!,
      serviceId: '',
      apiBaseUrl: sandbox.url,
      now: () => sandbox.now(),
    })
    t.teardown(() => client.close())
    t.equal((await client.getAuthorizedShops(handed.json().accessToken))[0]!.id, seller.shops[0]!.id)
    await waitUntil(() =>
      events.events.some((e) => e.body.includes(id) && e.subject === 'social.connection.connected'),
    )
    const connected = events.events.find((e) => e.body.includes(id))!
    t.match(JSON.parse(connected.body).data, { provider: 'tiktok_shop', openId: seller.openId })
  },
)

t.test('a due token is refreshed on hand-out, and on demand (admin refresh, forceRefresh)', async (t) => {
  const user = admin('shop-t2')
  const seller = sandbox.shop.addSeller()
  const id = await connectedShop(app, sandbox, user, seller.openId)
  const first = (await requestAccessToken(app, id)).json().accessToken
  await expireStoredAccessToken(app, id)
  const before = refreshCalls()
  const second = (await requestAccessToken(app, id)).json().accessToken
  t.not(second, first)
  t.equal(refreshCalls(), before + 1)
  const manual = await app.inject({
    method: 'POST',
    url: `/connections/${id}/refresh`,
    headers: await asUser(user),
  })
  t.equal(manual.statusCode, 200)
  t.ok(manual.json().lastRefreshedAt)
  const forced = await requestAccessToken(app, id, { payload: { forceRefresh: true } })
  t.not(forced.json().accessToken, second)
  t.equal(refreshCalls(), before + 3)
})

t.test('the refresh scheduler refreshes a due shop connection ahead of its absolute expiry', async (t) => {
  const seller = sandbox.shop.addSeller()
  const id = await connectedShop(app, sandbox, admin('shop-t8'), seller.openId)
  const [row] =
    await app.sql`select extract(epoch from access_token_expires_at - next_refresh_at)::int as lead
    from auth.connections where id = ${id}`
  t.equal(row?.lead, config.REFRESH_MARGIN_SEC, 'due the margin before the absolute expiry')
  await app.sql`update auth.connections set next_refresh_at = now() - interval '1 second' where id = ${id}`
  const before = refreshCalls()
  t.match(await app.refreshScheduler.runOnce(), { refreshed: 1, reauthRequired: 0, failed: 0 })
  t.equal(refreshCalls(), before + 1)
  t.ok((await connectionRow(app, id))?.last_refreshed_at)
})

t.test(
  'concurrent hand-outs of a due token share one refresh (the old refresh token dies on use)',
  async (t) => {
    const seller = sandbox.shop.addSeller()
    const id = await connectedShop(app, sandbox, admin('shop-t3'), seller.openId)
    await expireStoredAccessToken(app, id)
    const before = refreshCalls()
    const answers = await Promise.all(Array.from({ length: 8 }, () => requestAccessToken(app, id)))
    t.same(
      answers.map((a) => a.statusCode),
      Array(8).fill(200),
    )
    t.equal(new Set(answers.map((a) => a.json().accessToken)).size, 1)
    t.equal(refreshCalls(), before + 1)
    t.equal((await connectionRow(app, id))?.status, 'active')
  },
)

t.test('a transient failure keeps the connection; a dead grant marks it reauth_required', async (t) => {
  const user = admin('shop-t4')
  const seller = sandbox.shop.addSeller()
  const id = await connectedShop(app, sandbox, user, seller.openId)
  sandbox.injectFault({ endpoint: 'shop.token.refresh', kind: 'internal_error', count: 3 })
  const busy = await requestAccessToken(app, id, { payload: { forceRefresh: true } })
  bodies.push(busy.body)
  t.equal(busy.statusCode, 503)
  t.equal(busy.json().error.code, 'TIKTOK_UNAVAILABLE')
  t.equal((await connectionRow(app, id))?.status, 'active')
  sandbox.shop.expireTokens(seller.openId, { refresh: true })
  const dead = await requestAccessToken(app, id, { payload: { forceRefresh: true } })
  bodies.push(dead.body)
  t.equal(dead.statusCode, 409)
  t.equal(dead.json().error.code, 'REAUTH_REQUIRED')
  const row = await connectionRow(app, id)
  t.equal(row?.status, 'reauth_required')
  t.equal(row?.access_token_sealed, null)
  const [attempt] = await app.sql`select error_code from auth.refresh_attempts
    where connection_id = ${id} and outcome = 'reauth_required'`
  t.equal(attempt?.error_code, '36004005')
})

t.test(
  'one shop per user (409 SHOP_LIMIT_REACHED); another user’s shop is 409 SHOP_ALREADY_CONNECTED',
  async (t) => {
    const [alice, bob] = [admin('shop-t5', 'alice'), admin('shop-t5', 'bob')]
    const seller = sandbox.shop.addSeller()
    const second = sandbox.shop.addSeller()
    const id = await connectedShop(app, sandbox, alice, seller.openId)

    const taken = await connectShop(app, sandbox, bob, seller.openId)
    bodies.push(taken.body)
    t.equal(taken.statusCode, 409)
    t.equal(taken.json().error.code, 'SHOP_ALREADY_CONNECTED')
    t.notMatch(taken.body, 'alice', 'the other user is not named')
    const browser = await connectShop(app, sandbox, bob, seller.openId, { browser: true })
    t.equal(browser.statusCode, 302)
    t.match(String(browser.headers.location), /outcome=failed&errorCode=SHOP_ALREADY_CONNECTED/)

    const limit = await connectShop(app, sandbox, alice, second.openId)
    t.equal(limit.statusCode, 409)
    t.equal(limit.json().error.code, 'SHOP_LIMIT_REACHED')
    t.same(
      (await get(alice, '/connections?provider=tiktok_shop')).json().items.map((c: { id: string }) => c.id),
      [id],
      'nothing was stored for the refused connects',
    )

    // reconnecting the same shop is fine; another tenant may connect the same shop
    t.equal(await connectedShop(app, sandbox, alice, seller.openId), id)
    t.ok(await connectedShop(app, sandbox, admin('shop-t5b'), seller.openId))
  },
)

t.test('disconnect deletes the tokens and frees the shop for another user (no revoke call)', async (t) => {
  const [alice, bob] = [admin('shop-t6', 'alice'), admin('shop-t6', 'bob')]
  const seller = sandbox.shop.addSeller()
  const id = await connectedShop(app, sandbox, alice, seller.openId)
  const gone = await app.inject({ method: 'DELETE', url: `/connections/${id}`, headers: await asUser(alice) })
  t.equal(gone.statusCode, 200)
  t.equal(gone.json().status, 'disconnected')
  const row = await connectionRow(app, id)
  t.same([row?.access_token_sealed, row?.refresh_token_sealed], [null, null])
  t.equal((await requestAccessToken(app, id)).json().error.code, 'CONNECTION_NOT_ACTIVE')
  t.equal(await connectedShop(app, sandbox, bob, seller.openId), id, 'bob takes the same connection over')
})

t.test(
  'an expired or reused code fails the callback; a TikTok state cannot complete a shop callback',
  async (t) => {
    const user = admin('shop-t7')
    const seller = sandbox.shop.addSeller()
    sandbox.shop.settings.codeTtlSec = 0
    t.teardown(() => {
      sandbox.shop.settings.codeTtlSec = 600
    })
    const expired = await connectShop(app, sandbox, user, seller.openId)
    t.same(expired.json(), { outcome: 'failed', errorCode: 'OAUTH_FAILED' })
    t.same((await get(user, '/connections')).json().items, [])

    const tiktokStart = await app.inject({
      url: '/connections/tiktok/authorize',
      headers: { ...(await asUser(user)), accept: 'application/json' },
    })
    const state = new URL(tiktokStart.json().authorizeUrl).searchParams.get('state')!
    const cross = await app.inject({
      url: `/connections/tiktok_shop/callback?code=x&state=${encodeURIComponent(state)}`,
      headers: {
        ...(await asService('gateway')),
        cookie: String(tiktokStart.headers['set-cookie']).split(';')[0],
        accept: 'application/json',
      },
    })
    t.equal(cross.statusCode, 403)
    t.equal(cross.json().error.details.reason, 'other_provider')
  },
)

t.test('no app secret, code or token is in the logs, the bodies, the events or the database', async (t) => {
  await waitUntil(() => events.events.some((e) => e.subject === 'social.connection.disconnected'))
  const dump = await dumpAuthSchema(app)
  const seen = (field: string) => wire.values.get(field)?.size ?? 0
  t.ok(seen('app_secret') === 1 && seen('auth_code') > 5, 'the app secret and the codes were recorded')
  t.ok(seen('access_token') > 5 && seen('refresh_token') > 5 && seen('x-tts-access-token') > 0)
  const secrets = new Set([...wire.all(), config.TIKTOK_SHOP_APP_SECRET!])
  const places = {
    logs: logs(),
    bodies: bodies.join('\n'),
    events: events.events.map((e) => e.body).join('\n'),
    database: dump.values.join('\n'),
  }
  t.ok(places.logs.length > 1000 && places.database.length > 1000, 'there was output to check')
  t.same(
    leaks(places, secrets),
    { logs: [], bodies: [], events: [], database: [] },
    `no place holds any of the ${secrets.size} secret values`,
  )
})
