import type { FastifyPluginAsync } from 'fastify'
import type { ShopApp } from './index.js'
import type { ShopStore } from './store.js'

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/**
 * The seller's consent page of TikTok Shop (docs/tiktok-shop-api.md §1): `GET /open/authorize`
 * shows one approve form per seller and a cancel button; `POST /open/authorize` redirects to the
 * app's registered redirect URI (fault endpoints `shop.authorize`, `shop.authorize.decision`).
 */
export const consentRoutes: FastifyPluginAsync<{ app: ShopApp; store: ShopStore }> = async (
  fastify,
  { app, store },
) => {
  fastify.get('/open/authorize', { config: { endpoint: 'shop.authorize' } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>
    if (q.service_id !== app.serviceId || !q.state) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send('<p class="error">Unknown service_id or no state.</p>')
    }
    const search = new URLSearchParams(q as Record<string, string>).toString()
    const sellers = store
      .sellers()
      .map(
        (s) => `<li><form method="post" action="/open/authorize">
<input type="hidden" name="query" value="${esc(search)}"><input type="hidden" name="open_id" value="${esc(s.openId)}">
<strong>${esc(s.sellerName)}</strong> (${esc(s.region)}): ${esc(s.shops.map((x) => x.name).join(', '))}
<button type="submit" name="decision" value="approve">Authorize</button></form></li>`,
      )
      .join('\n')
    return reply.type('text/html; charset=utf-8').send(`<!doctype html><html><head><meta charset="utf-8">
<title>TikTok Shop sandbox — authorize</title></head><body><h1>Authorize this service for your shop</h1>
<ul>${sellers || '<li>No sandbox sellers.</li>'}</ul>
<form method="post" action="/open/authorize"><input type="hidden" name="query" value="${esc(search)}">
<button type="submit" name="decision" value="deny">Cancel</button></form></body></html>`)
  })

  fastify.post<{ Body: { query?: string; open_id?: string; decision?: string } }>(
    '/open/authorize',
    { config: { endpoint: 'shop.authorize.decision' } },
    async (request, reply) => {
      const { query = '', open_id = '', decision } = request.body ?? {}
      return reply.redirect(
        consentRedirect(app, store, query, decision === 'approve' ? open_id : undefined),
        302,
      )
    },
  )
}

/**
 * Where the consent page sends the browser: the app's registered redirect URI with `code` and
 * `state` (approve as `openId`), or `error=access_denied` and `state` (deny, `openId` undefined).
 * @throws Error for an unknown seller or a query without this app's `service_id`.
 */
export function consentRedirect(
  app: ShopApp,
  store: ShopStore,
  query: string,
  openId: string | undefined,
): string {
  const q = new URLSearchParams(query)
  if (q.get('service_id') !== app.serviceId) throw new Error('Unknown service_id')
  const to = new URL(app.redirectUri)
  if (openId === undefined) to.searchParams.set('error', 'access_denied')
  else {
    if (!store.seller(openId)) throw new Error(`No sandbox seller ${openId}`)
    to.searchParams.set('code', store.issueCode(openId))
  }
  to.searchParams.set('state', q.get('state') ?? '')
  return to.toString()
}
