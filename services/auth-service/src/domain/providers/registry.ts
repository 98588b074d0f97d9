import type { InstagramClient } from '@social-bridge/instagram-client'
import type { TikTokClient } from '@social-bridge/tiktok-client'
import type { TikTokShopClient } from '@social-bridge/tiktok-shop-client'
import type { ShopsRepository } from '../../repositories/shops-repository.js'
import { createInstagramProvider } from './instagram.js'
import type { ProviderAdapter, ProviderName, ProviderRegistry } from './provider.js'
import { createTikTokProvider } from './tiktok.js'
import { createTikTokShopProvider } from './tiktok-shop.js'

/**
 * The configured providers: TikTok always; TikTok Shop when its client is configured
 * (TIKTOK_SHOP_APP_KEY, …_APP_SECRET, …_SERVICE_ID); Instagram when its client is configured
 * (INSTAGRAM_APP_ID, …_APP_SECRET, …_REDIRECT_URI). The one place a new provider is added.
 */
export function createProviderRegistry(deps: {
  tiktok: TikTokClient
  tiktokScopes: string[]
  tiktokShop?: TikTokShopClient | undefined
  shops: ShopsRepository
  /** The Instagram client and the registered redirect URI, when Instagram is configured. */
  instagram?: { client: InstagramClient; redirectUri: string } | undefined
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
  if (deps.instagram) adapters.push(createInstagramProvider(deps.instagram))
  return new Map<ProviderName, ProviderAdapter>(adapters.map((a) => [a.name, a]))
}
