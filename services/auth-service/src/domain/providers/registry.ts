import type { TikTokClient } from '@social-bridge/tiktok-client'
import type { TikTokShopClient } from '@social-bridge/tiktok-shop-client'
import type { ShopsRepository } from '../../repositories/shops-repository.js'
import type { ProviderAdapter, ProviderName, ProviderRegistry } from './provider.js'
import { createTikTokProvider } from './tiktok.js'
import { createTikTokShopProvider } from './tiktok-shop.js'

/**
 * The configured providers: TikTok always; TikTok Shop when its client is configured
 * (TIKTOK_SHOP_APP_KEY, …_APP_SECRET, …_SERVICE_ID). The one place a new provider is added.
 */
export function createProviderRegistry(deps: {
  tiktok: TikTokClient
  tiktokScopes: string[]
  tiktokShop?: TikTokShopClient | undefined
  shops: ShopsRepository
  log?: { warn(obj: object, msg: string): void }
}): ProviderRegistry {
  const adapters: ProviderAdapter[] = [
    createTikTokProvider({
      tiktok: deps.tiktok,
      scopes: deps.tiktokScopes,
      ...(deps.log ? { log: deps.log } : {}),
    }),
  ]
  if (deps.tiktokShop) adapters.push(createTikTokShopProvider({ client: deps.tiktokShop, shops: deps.shops }))
  return new Map<ProviderName, ProviderAdapter>(adapters.map((a) => [a.name, a]))
}
