import type { Dispatcher } from 'undici'
import { TikTokShopError } from './errors.js'
import { createShopHttp, type ShopEnvelope } from './http.js'
import { signRequest } from './sign.js'

/** Options of {@link createTikTokShopClient}: one app of TikTok Shop Partner Center. */
export interface TikTokShopClientOptions {
  appKey: string
  /** Sent in token URLs and keys the signatures; never logged or put in an error message. */
  appSecret: string
  /** The service id of the authorize URL (docs/tiktok-shop-api.md §1). */
  serviceId: string
  /** Authorize page host: `https://services.tiktokshop.com` (default), US `https://services.us.tiktokshop.com`. */
  authorizeBaseUrl?: string
  /** Token host, default `https://auth.tiktok-shops.com` (§2). */
  authBaseUrl?: string
  /** Shop API host, default `https://open-api.tiktokglobalshop.com` (§3). */
  apiBaseUrl?: string
  /** Deadline of one call, ms (default 10 000). */
  timeoutMs?: number
  /** Max sockets per origin (default 16). */
  connections?: number
  dispatcher?: Dispatcher
  /** Clock for the `timestamp` parameter, Unix ms (default `Date.now`). */
  now?: () => number
}

/** A seller's tokens from token get/refresh (docs/tiktok-shop-api.md §2), camelCased. */
export interface ShopTokenSet {
  accessToken: string
  /** From `access_token_expire_in`, an absolute Unix time in **seconds**. */
  accessTokenExpiresAt: Date
  refreshToken: string
  /** From `refresh_token_expire_in`, an absolute Unix time in seconds. */
  refreshTokenExpiresAt: Date
  /** The seller's id for this app. */
  openId: string
  sellerName: string
  /** `seller_base_region`, e.g. `GB`. */
  sellerBaseRegion: string
  grantedScopes: string[]
}

/** One shop of `GET /authorization/202309/shops` (§4). `id` is a decimal string (19 digits). */
export interface AuthorizedShop {
  id: string
  name: string
  region: string
  /** Shop code shown to sellers. */
  code: string
  /** Passed as `shop_cipher` on shop-scoped calls; keep it server-side. */
  cipher: string
  sellerType: string
}

/** The TikTok Shop seller authorization API. */
export interface TikTokShopClient {
  /** `{authorizeBaseUrl}/open/authorize?service_id=…&state=…` (§1). @throws TikTokShopError without a state. */
  buildAuthorizeUrl(params: { state: string }): string
  /**
   * `GET {authBaseUrl}/api/v2/token/get?app_key&app_secret&auth_code&grant_type=authorized_code` (§2).
   * @throws TikTokShopError (`36004004` → category `grant_invalid`).
   */
  getAccessToken(authCode: string): Promise<ShopTokenSet>
  /**
   * `GET {authBaseUrl}/api/v2/token/refresh?app_key&app_secret&refresh_token&grant_type=refresh_token`
   * (§2). Store the refresh token returned. @throws TikTokShopError (`36004005` → `grant_invalid`).
   */
  refreshAccessToken(refreshToken: string): Promise<ShopTokenSet>
  /** Signed `GET /authorization/202309/shops` (§3, §4). @throws TikTokShopError. */
  getAuthorizedShops(accessToken: string): Promise<AuthorizedShop[]>
  close(): Promise<void>
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')

function invalid(what: string): TikTokShopError {
  return new TikTokShopError('TIKTOK_SHOP_INVALID_RESPONSE', `TikTok Shop answered without ${what}`, {
    category: 'permanent',
  })
}

/** Reads `data` of a token answer; expiries are absolute Unix seconds (§2). */
function toTokenSet(env: ShopEnvelope): ShopTokenSet {
  const d = env.data
  const access = str(d.access_token)
  const refresh = str(d.refresh_token)
  const accessExp = Number(d.access_token_expire_in)
  const refreshExp = Number(d.refresh_token_expire_in)
  if (!access || !refresh) throw invalid('tokens')
  if (!Number.isFinite(accessExp) || !Number.isFinite(refreshExp)) throw invalid('token expiries')
  return {
    accessToken: access,
    accessTokenExpiresAt: new Date(accessExp * 1000),
    refreshToken: refresh,
    refreshTokenExpiresAt: new Date(refreshExp * 1000),
    openId: str(d.open_id),
    sellerName: str(d.seller_name),
    sellerBaseRegion: str(d.seller_base_region),
    grantedScopes: Array.isArray(d.granted_scopes) ? d.granted_scopes.map(str).filter(Boolean) : [],
  }
}

/** Builds the client (docs/tiktok-shop-api.md). Close it to free its sockets. */
export function createTikTokShopClient(opts: TikTokShopClientOptions): TikTokShopClient {
  const authorizeBase = opts.authorizeBaseUrl ?? 'https://services.tiktokshop.com'
  const authBase = opts.authBaseUrl ?? 'https://auth.tiktok-shops.com'
  const apiBase = opts.apiBaseUrl ?? 'https://open-api.tiktokglobalshop.com'
  const now = opts.now ?? Date.now
  const http = createShopHttp({
    timeoutMs: opts.timeoutMs ?? 10_000,
    connections: opts.connections ?? 16,
    dispatcher: opts.dispatcher,
  })

  function tokenCall(path: string, params: Record<string, string>, secret: string) {
    const url = new URL(path, authBase)
    url.search = new URLSearchParams({
      app_key: opts.appKey,
      app_secret: opts.appSecret,
      ...params,
    }).toString()
    return http.get({ url, secrets: [opts.appSecret, secret] }).then(toTokenSet)
  }

  return {
    buildAuthorizeUrl({ state }) {
      if (!state) throw new TikTokShopError('TIKTOK_SHOP_INVALID_ARGUMENT', 'state is required (CSRF)')
      const url = new URL('/open/authorize', authorizeBase)
      url.searchParams.set('service_id', opts.serviceId)
      url.searchParams.set('state', state)
      return url.toString()
    },
    getAccessToken(authCode) {
      return tokenCall('/api/v2/token/get', { auth_code: authCode, grant_type: 'authorized_code' }, authCode)
    },
    refreshAccessToken(refreshToken) {
      return tokenCall(
        '/api/v2/token/refresh',
        { refresh_token: refreshToken, grant_type: 'refresh_token' },
        refreshToken,
      )
    },
    async getAuthorizedShops(accessToken) {
      const path = '/authorization/202309/shops'
      const query: Record<string, string> = {
        app_key: opts.appKey,
        timestamp: String(Math.floor(now() / 1000)),
      }
      const sign = signRequest({ path, query, appSecret: opts.appSecret })
      const url = new URL(path, apiBase)
      url.search = new URLSearchParams({ ...query, sign }).toString()
      const env = await http.get({
        url,
        headers: { 'x-tts-access-token': accessToken },
        secrets: [opts.appSecret, accessToken],
      })
      const shops = env.data.shops
      if (!Array.isArray(shops)) throw invalid('shops')
      return shops.map((s: Record<string, unknown>) => ({
        id: str(s.id),
        name: str(s.name),
        region: str(s.region),
        code: str(s.code),
        cipher: str(s.cipher),
        sellerType: str(s.seller_type),
      }))
    },
    close: () => http.close(),
  }
}
