import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { SandboxContext } from '../context.js'
import { OAuthError, TikTokApiError } from '../errors.js'
import type { ShopApp } from './index.js'
import type { ShopStore } from './store.js'
import { signatureMatches } from './verify-sign.js'

/** Envelope codes the sandbox answers with (docs/tiktok-shop-api.md §2, §3). */
export const SHOP_CODES = {
  invalidAuthCode: 36004004,
  invalidRefreshToken: 36004005,
  invalidAppCredentials: 36004002,
  invalidAccessToken: 105002,
  invalidSign: 106001,
  invalidTimestamp: 106002,
  rateLimited: 36009002,
  internal: 36009001,
} as const

/** A TikTok Shop error → `{code, message, request_id, data: null}` with `httpStatus`. */
export class ShopApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly shopCode: number,
    message: string,
  ) {
    super(message)
  }
}

const requestId = () => `${Date.now()}${randomBytes(6).toString('hex').toUpperCase()}`
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

function send(reply: FastifyReply, status: number, code: number, message: string, data: unknown) {
  if (code !== 0) reply.request.tt.errorCode = String(code)
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send(
      // shop ids are 19-digit strings in the store: written as JSON numbers, as TikTok Shop does
      JSON.stringify({ code, message, request_id: requestId(), data }).replace(/"id":"(\d+)"/g, '"id":$1'),
    )
}

/** Maps the shared fault hook's errors (and ours) to the Shop envelope. */
function toShopError(err: unknown): ShopApiError {
  if (err instanceof ShopApiError) return err
  if (err instanceof TikTokApiError || err instanceof OAuthError) {
    const status = err.httpStatus ?? 400
    const asNumber = Number(err instanceof TikTokApiError ? err.code : err.error)
    if (Number.isInteger(asNumber)) return new ShopApiError(status, asNumber, err.message)
    if (status === 429) return new ShopApiError(429, SHOP_CODES.rateLimited, 'Too many requests.')
    if (status >= 500) return new ShopApiError(status, SHOP_CODES.internal, 'Internal error, retry later.')
    return new ShopApiError(status, SHOP_CODES.internal, err.message)
  }
  return new ShopApiError(500, SHOP_CODES.internal, 'Internal error, retry later.')
}

/**
 * TikTok Shop's hosts on the sandbox (docs/tiktok-shop-api.md §1–§4): the seller's consent page
 * `GET|POST /open/authorize`, token get/refresh `GET /api/v2/token/get|refresh`, and the signed
 * `GET /authorization/202309/shops`. Faults use the endpoints `shop.authorize`, `shop.token.get`,
 * `shop.token.refresh`, `shop.shops` (a numeric fault `code` becomes the envelope code).
 */
export const shopRoutes: FastifyPluginAsync<{ ctx: SandboxContext; app: ShopApp; store: ShopStore }> = async (
  fastify,
  { ctx, app, store },
) => {
  fastify.setErrorHandler((err, _request, reply) => {
    const e = toShopError(err)
    return send(reply, e.httpStatus, e.shopCode, e.message, null)
  })

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

  const tokenRoute = (
    path: string,
    endpoint: string,
    grant: string,
    exchange: (q: Record<string, string>) => string,
  ) =>
    fastify.get(path, { config: { endpoint } }, async (request: FastifyRequest, reply) => {
      const q = request.query as Record<string, string>
      if (q.app_key !== app.appKey || q.app_secret !== app.appSecret)
        throw new ShopApiError(200, SHOP_CODES.invalidAppCredentials, 'Invalid app_key or app_secret.')
      if (q.grant_type !== grant)
        throw new ShopApiError(200, SHOP_CODES.internal, `grant_type must be ${grant}.`)
      const openId = exchange(q)
      const seller = store.seller(openId)!
      const t = store.issueTokens(openId)
      return send(reply, 200, 0, 'success', {
        access_token: t.access,
        access_token_expire_in: t.accessExp,
        refresh_token: t.refresh,
        refresh_token_expire_in: t.refreshExp,
        open_id: openId,
        seller_name: seller.sellerName,
        seller_base_region: seller.region,
        user_type: 0,
        granted_scopes: ['seller.authorization.info', 'seller.shop.info'],
      })
    })

  tokenRoute('/api/v2/token/get', 'shop.token.get', 'authorized_code', (q) => {
    const openId = store.takeCode(q.auth_code ?? '')
    if (!openId) throw new ShopApiError(200, SHOP_CODES.invalidAuthCode, 'Invalid auth code.')
    return openId
  })
  tokenRoute('/api/v2/token/refresh', 'shop.token.refresh', 'refresh_token', (q) => {
    const openId = store.takeRefresh(q.refresh_token ?? '')
    if (!openId) throw new ShopApiError(200, SHOP_CODES.invalidRefreshToken, 'Invalid refresh token.')
    return openId
  })

  fastify.get(
    '/authorization/202309/shops',
    { config: { endpoint: 'shop.shops' } },
    async (request, reply) => {
      const url = new URL(request.url, 'http://sandbox')
      const q = url.searchParams
      if (q.get('app_key') !== app.appKey)
        throw new ShopApiError(401, SHOP_CODES.invalidSign, 'Unknown app_key.')
      const ts = Number(q.get('timestamp'))
      if (
        !Number.isInteger(ts) ||
        Math.abs(ts - ctx.clock.now() / 1000) > store.settings.timestampToleranceSec
      )
        throw new ShopApiError(401, SHOP_CODES.invalidTimestamp, 'Invalid timestamp.')
      const ok = signatureMatches({
        path: url.pathname,
        query: q,
        body: '',
        contentType: String(request.headers['content-type'] ?? ''),
        appSecret: app.appSecret,
        sign: q.get('sign') ?? '',
      })
      if (!ok) throw new ShopApiError(401, SHOP_CODES.invalidSign, 'Invalid sign.')
      const openId = store.accessOwner(String(request.headers['x-tts-access-token'] ?? ''))
      if (!openId)
        throw new ShopApiError(401, SHOP_CODES.invalidAccessToken, 'Invalid or expired access token.')
      return send(reply, 200, 0, 'success', { shops: store.seller(openId)!.shops })
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
