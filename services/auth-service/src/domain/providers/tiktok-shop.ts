import { ErrorCodes } from '@social-bridge/contracts'
import { type ShopTokenSet, type TikTokShopClient, TikTokShopError } from '@social-bridge/tiktok-shop-client'
import type { ShopInput, ShopsRepository } from '../../repositories/shops-repository.js'
import {
  errorKind,
  type GrantedTokens,
  type ProviderAdapter,
  ProviderError,
  providerCall,
} from './provider.js'

/** A TikTok Shop client error as a {@link ProviderError} (docs/tiktok-shop-api.md §2, §5). */
function classify(err: unknown): unknown {
  if (!(err instanceof TikTokShopError)) return err
  const kind = errorKind(err.category, err.category === 'grant_invalid')
  return new ProviderError(kind, err.shopCode === undefined ? err.code : String(err.shopCode), err.toJSON())
}

const call = <T>(p: Promise<T>) => providerCall(p, classify)

/** Seconds from now until an absolute instant (never negative). */
const secondsUntil = (at: Date) => Math.max(0, Math.floor((at.getTime() - Date.now()) / 1000))

const tokensOf = (t: ShopTokenSet): GrantedTokens => ({
  accessToken: t.accessToken,
  refreshToken: t.refreshToken,
  expiresInSec: secondsUntil(t.accessTokenExpiresAt),
  refreshExpiresInSec: secondsUntil(t.refreshTokenExpiresAt),
  scopes: t.grantedScopes,
})

/** `grant.details` of a TikTok Shop grant: the authorized shops. */
interface ShopDetails {
  shops: ShopInput[]
}

/**
 * TikTok Shop seller authorization (docs/tiktok-shop-api.md): authorize with `service_id` and the
 * state (no PKCE), token get (then the signed authorized-shops call, whose shops are stored),
 * refresh; no revoke endpoint exists, so disconnect only deletes the tokens. Admission (one shop
 * per CRM user, a shop of another user → `SHOP_ALREADY_CONNECTED`) runs under a tenant lock.
 */
export function createTikTokShopProvider(opts: {
  client: TikTokShopClient
  shops: ShopsRepository
}): ProviderAdapter {
  const { client } = opts
  const detailsOf = (details: unknown) => (details as ShopDetails | undefined)?.shops ?? []
  return {
    name: 'tiktok_shop',
    authorizeUrl: ({ state }) => client.buildAuthorizeUrl({ state }),
    async exchangeCode({ code }) {
      const t = await call(client.getAccessToken(code))
      const shops = await call(client.getAuthorizedShops(t.accessToken))
      const details: ShopDetails = {
        shops: shops.map((s) => ({ shopId: s.id, name: s.name, region: s.region, shopCipher: s.cipher })),
      }
      return { ...tokensOf(t), openId: t.openId, displayName: t.sellerName || undefined, details }
    },
    refresh: async (refreshToken) => tokensOf(await call(client.refreshAccessToken(refreshToken))),
    async admit(tx, { tenantId, userId, grant }) {
      await opts.shops.lockTenant(tx, tenantId)
      const found = await opts.shops.conflicts(tx, {
        tenantId,
        userId,
        openId: grant.openId,
        shopIds: detailsOf(grant.details).map((s) => s.shopId),
      })
      if (found.otherUser) return ErrorCodes.SHOP_ALREADY_CONNECTED
      if (found.ownOther) return ErrorCodes.SHOP_LIMIT_REACHED
      return null
    },
    saveDetails: (tx, { connectionId, tenantId, grant }) =>
      opts.shops.replace(tx, { connectionId, tenantId, shops: detailsOf(grant.details) }),
  }
}
