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
 * TikTok Shop's API hosts on the sandbox (docs/tiktok-shop-api.md §2–§4): token get/refresh
 * `GET /api/v2/token/get|refresh` and the signed `GET /authorization/202309/shops`, answering in
 * the `{code, message, request_id, data}` envelope. Faults use the endpoints `shop.token.get`,
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
