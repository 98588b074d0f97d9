import { call, DEV_TIKTOK_SHOP } from '@social-bridge/stack'
import type { Test } from 'tap'
import { request } from 'undici'

/**
 * A TikTok Shop seller connects through the stack as a browser would: authorize at the gateway
 * (JSON + state cookie), the sandbox's seller consent page (HTML form) as configured by the
 * stack launcher, TikTok Shop's redirect to the gateway's callback with the cookie; then the
 * connection lists with its shop and no token or cipher.
 */
export async function tiktokShopConnects(t: Test, stack: { gateway: string }, token: string) {
  const start = await request(`${stack.gateway}/connections/tiktok_shop/authorize`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  })
  t.equal(start.statusCode, 200)
  const { authorizeUrl } = (await start.body.json()) as { authorizeUrl: string }
  const cookie = String(start.headers['set-cookie']).split(';')[0]!
  const page = await request(authorizeUrl)
  const html = await page.body.text()
  const seller = DEV_TIKTOK_SHOP.sellers[0]!
  t.match(html, seller.sellerName, 'the consent page lists the demo seller')
  const query = /name="query" value="([^"]*)"/.exec(html)![1]!.replace(/&amp;/g, '&')
  const consent = await request(new URL('/open/authorize', authorizeUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query, open_id: seller.openId, decision: 'approve' }).toString(),
  })
  await consent.body.dump()
  const location = String(consent.headers.location)
  t.match(location, `${stack.gateway}/connections/tiktok_shop/callback?code=`)
  const done = await request(location, { headers: { cookie, accept: 'application/json' } })
  const result = (await done.body.json()) as { outcome: string; connectionId: string }
  t.equal(result.outcome, 'connected')
  const list = await call('GET', `${stack.gateway}/connections?provider=tiktok_shop`, { token })
  const mine = list.body.items.find((c: { id: string }) => c.id === result.connectionId)
  t.match(mine, {
    provider: 'tiktok_shop',
    sellerName: seller.sellerName,
    shops: [{ name: seller.shopNames[0] }],
  })
  t.notMatch(JSON.stringify(list.body), /ROW_|GCP_/, 'no token or shop cipher is returned')
}
