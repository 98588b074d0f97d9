import { createSandbox, type Sandbox } from '@social-bridge/tiktok-sandbox'
import t, { type Test } from 'tap'
import {
  createTikTokShopClient,
  ShopCodes,
  type TikTokShopClientOptions,
  TikTokShopError,
} from '../src/index.js'

const APP = { appKey: 'test_shop_key', appSecret: 'test-shop-app-secret-0123', serviceId: 'svc_42' }
const REDIRECT = 'https://gateway.test/v1/connections/tiktok_shop/callback'

const sandbox: Sandbox = await createSandbox({ shop: { ...APP, redirectUri: REDIRECT } })
t.teardown(() => sandbox.close())

function client(over: Partial<TikTokShopClientOptions> = {}) {
  const c = createTikTokShopClient({
    ...APP,
    authorizeBaseUrl: sandbox.url,
    authBaseUrl: sandbox.url,
    apiBaseUrl: sandbox.url,
    // the sandbox's virtual clock is our clock: advancing it moves both
    now: () => sandbox.now(),
    ...over,
  })
  t.teardown(() => c.close())
  return c
}

/** A fresh seller's auth code through the sandbox's consent. */
function authCode(c = client()) {
  const seller = sandbox.shop.addSeller({ shopNames: ['Main shop', 'Outlet'] })
  const location = new URL(sandbox.shop.approve(c.buildAuthorizeUrl({ state: 's1' }), seller.openId))
  return { seller, code: location.searchParams.get('code')!, location }
}

/** The rejection of `p` as a TikTokShopError. */
async function failure(t: Test, p: Promise<unknown>): Promise<TikTokShopError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  t.type(err, TikTokShopError)
  return err as TikTokShopError
}

t.test(
  'the authorize URL carries service_id and state; consent returns code and state to the registered URI',
  async (t) => {
    const c = client()
    const url = new URL(c.buildAuthorizeUrl({ state: 'st8' }))
    t.equal(url.pathname, '/open/authorize')
    t.same(Object.fromEntries(url.searchParams), { service_id: 'svc_42', state: 'st8' })
    const { location } = authCode(c)
    t.equal(`${location.origin}${location.pathname}`, REDIRECT)
    t.equal(location.searchParams.get('state'), 's1')
    t.throws(() => c.buildAuthorizeUrl({ state: '' }), { code: 'TIKTOK_SHOP_INVALID_ARGUMENT' })
  },
)

t.test('token get: absolute expiries, seller fields; the code is single use (36004004)', async (t) => {
  const c = client()
  const { seller, code } = authCode(c)
  const before = Date.now()
  const tokens = await c.getAccessToken(code)
  t.equal(tokens.openId, seller.openId)
  t.equal(tokens.sellerName, seller.sellerName)
  t.equal(tokens.sellerBaseRegion, 'GB')
  t.ok(tokens.grantedScopes.includes('seller.authorization.info'))
  // 7 days ahead, read as an absolute Unix time in seconds (not a duration from now)
  t.ok(Math.abs(tokens.accessTokenExpiresAt.getTime() - (before + 7 * 86_400_000)) < 60_000)
  t.ok(tokens.refreshTokenExpiresAt > tokens.accessTokenExpiresAt)
  const again = await failure(t, c.getAccessToken(code))
  t.equal(again.shopCode, ShopCodes.INVALID_AUTH_CODE)
  t.equal(again.category, 'grant_invalid')
})

t.test('an expired auth code is refused with 36004004', async (t) => {
  const c = client()
  const { code } = authCode(c)
  sandbox.advanceClock(601_000)
  const err = await failure(t, c.getAccessToken(code))
  t.equal(err.shopCode, ShopCodes.INVALID_AUTH_CODE)
})

t.test(
  'refresh returns new tokens; the old refresh token then fails as grant_invalid (36004005)',
  async (t) => {
    const c = client()
    const first = await c.getAccessToken(authCode(c).code)
    const second = await c.refreshAccessToken(first.refreshToken)
    t.not(second.accessToken, first.accessToken)
    t.not(second.refreshToken, first.refreshToken)
    const err = await failure(t, c.refreshAccessToken(first.refreshToken))
    t.equal(err.shopCode, ShopCodes.INVALID_REFRESH_TOKEN)
    t.equal(err.category, 'grant_invalid')
  },
)

t.test('authorized shops: a signed call with x-tts-access-token; 19-digit ids stay exact', async (t) => {
  const c = client()
  const { seller, code } = authCode(c)
  const tokens = await c.getAccessToken(code)
  const shops = await c.getAuthorizedShops(tokens.accessToken)
  t.same(
    shops.map((s) => [s.id, s.name, s.region, s.cipher]),
    seller.shops.map((s) => [s.id, s.name, s.region, s.cipher]),
  )
  t.match(shops[0]!.id, /^7\d{18}$/)
})

t.test('the sandbox refuses a bad signature, a stale timestamp and an expired access token', async (t) => {
  const good = client()
  const { seller, code } = authCode(good)
  const { accessToken } = await good.getAccessToken(code)
  const badSign = await failure(
    t,
    client({ appSecret: 'not-the-app-secret' }).getAuthorizedShops(accessToken),
  )
  t.equal(badSign.shopCode, ShopCodes.INVALID_SIGN)
  const stale = client({ now: () => sandbox.now() - 10 * 60_000 })
  t.equal((await failure(t, stale.getAuthorizedShops(accessToken))).shopCode, ShopCodes.INVALID_TIMESTAMP)
  sandbox.shop.expireTokens(seller.openId, { access: true })
  const expired = await failure(t, good.getAuthorizedShops(accessToken))
  t.equal(expired.shopCode, ShopCodes.INVALID_ACCESS_TOKEN)
  t.equal(expired.category, 'token_invalid')
})

t.test('faults: a 500 is retryable, a 429 rate limited, a dropped connection retryable', async (t) => {
  const c = client()
  const { refreshToken } = await c.getAccessToken(authCode(c).code)
  sandbox.injectFault({ endpoint: 'shop.token.refresh', kind: 'internal_error' })
  t.equal((await failure(t, c.refreshAccessToken(refreshToken))).category, 'retryable')
  sandbox.injectFault({ endpoint: 'shop.token.refresh', kind: 'rate_limit' })
  t.equal((await failure(t, c.refreshAccessToken(refreshToken))).category, 'rate_limited')
  sandbox.injectFault({ endpoint: 'shop.token.refresh', kind: 'connection_reset' })
  const reset = await failure(t, c.refreshAccessToken(refreshToken))
  t.equal(reset.code, 'TIKTOK_SHOP_CONNECTION_ERROR')
  t.ok(await c.refreshAccessToken(refreshToken), 'the refresh token survived the faults')
})

t.test('the app secret, codes and tokens never reach an error message, its JSON or its stack', async (t) => {
  const c = client()
  const { code } = authCode(c)
  const echoed = `app_secret=${APP.appSecret}&auth_code=${code}`
  sandbox.injectFault({
    endpoint: 'shop.token.get',
    kind: 'error',
    code: '36009003',
    message: `bad request ${echoed}`,
  })
  const errors = [
    await failure(t, c.getAccessToken(code)),
    await failure(t, client({ appSecret: 'wrong-secret-abcdef' }).getAccessToken(code)),
    await failure(t, client({ authBaseUrl: 'http://127.0.0.1:9' }).getAccessToken(code)),
  ]
  t.equal(errors[0]!.shopCode, 36009003)
  for (const err of errors) {
    const text = `${err.message} ${JSON.stringify(err)} ${err.stack} ${String(err)}`
    for (const secret of [APP.appSecret, 'wrong-secret-abcdef', code]) t.notMatch(text, secret)
  }
})
