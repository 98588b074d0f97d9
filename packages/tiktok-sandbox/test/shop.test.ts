import t from 'tap'
import { request } from 'undici'
import { loadCliOptions } from '../src/config.js'
import { build } from './helper.js'

const REDIRECT = 'https://crm.test/v1/connections/tiktok_shop/callback'

t.test(
  'the seller consent page: one form per seller; approve redirects with code and state, cancel with access_denied',
  async (t) => {
    const sandbox = await build(t, {
      shop: { serviceId: 'svc', redirectUri: REDIRECT, sellers: [{ sellerName: 'Ann & Co' }] },
    })
    const url = `${sandbox.url}/open/authorize?service_id=svc&state=abc`
    const page = await request(url)
    const html = await page.body.text()
    t.equal(page.statusCode, 200)
    t.match(html, 'Ann &amp; Co', 'seller names are escaped')
    const [seller] = sandbox.shop.listSellers()
    const post = (fields: Record<string, string>) =>
      request(`${sandbox.url}/open/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: 'service_id=svc&state=abc', ...fields }).toString(),
      })
    const approved = new URL(
      String((await post({ open_id: seller!.openId, decision: 'approve' })).headers.location),
    )
    t.equal(`${approved.origin}${approved.pathname}`, REDIRECT)
    t.equal(approved.searchParams.get('state'), 'abc')
    t.match(approved.searchParams.get('code'), /^TTP_/)
    const denied = new URL(String((await post({ decision: 'deny' })).headers.location))
    t.equal(denied.searchParams.get('error'), 'access_denied')
    t.equal((await request(`${sandbox.url}/open/authorize?service_id=other&state=abc`)).statusCode, 400)
  },
)

t.test(
  'token get checks the app credentials and the grant type, in the {code,message,request_id,data} envelope',
  async (t) => {
    const sandbox = await build(t)
    const seller = sandbox.shop.addSeller()
    const location = new URL(
      sandbox.shop.approve(
        `${sandbox.url}/open/authorize?service_id=sbx_shop_service_id&state=s`,
        seller.openId,
      ),
    )
    const code = location.searchParams.get('code')!
    const get = async (q: Record<string, string>) => {
      const res = await request(`${sandbox.url}/api/v2/token/get?${new URLSearchParams(q)}`)
      return (await res.body.json()) as {
        code: number
        request_id: string
        data: Record<string, unknown> | null
      }
    }
    const base = { app_key: 'sbx_shop_app_key', app_secret: 'sbx_shop_app_secret', auth_code: code }
    t.equal((await get({ ...base, app_secret: 'nope', grant_type: 'authorized_code' })).code, 36004002)
    t.equal((await get({ ...base, grant_type: 'authorization_code' })).code, 36009001, 'authorized_code only')
    const ok = await get({ ...base, grant_type: 'authorized_code' })
    t.equal(ok.code, 0)
    t.ok(ok.request_id)
    t.ok((ok.data!.access_token_expire_in as number) > Date.now() / 1000, 'an absolute Unix time in seconds')
  },
)

t.test('the CLI reads the TikTok Shop app and sellers from SANDBOX_SHOP_*', async (t) => {
  const opts = loadCliOptions({
    SANDBOX_SHOP_APP_KEY: 'k',
    SANDBOX_SHOP_APP_SECRET: 's',
    SANDBOX_SHOP_SERVICE_ID: 'svc',
    SANDBOX_SHOP_REDIRECT_URI: REDIRECT,
    SANDBOX_SHOP_SELLERS: '[{"openId":"demo-seller"}]',
  })
  t.same(opts.shop, {
    appKey: 'k',
    appSecret: 's',
    serviceId: 'svc',
    redirectUri: REDIRECT,
    sellers: [{ openId: 'demo-seller' }],
  })
  t.equal(loadCliOptions({}).shop, undefined)
})
