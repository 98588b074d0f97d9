import type { FastifyInstance } from 'fastify'
import type { SandboxContext } from '../context.js'
import { consentRedirect, consentRoutes } from './consent.js'
import { shopRoutes } from './routes.js'
import { type AddSellerInput, createShopStore, type ShopSeller, type ShopSettings } from './store.js'

export type { AddSellerInput, ShopSeller, ShopSettings } from './store.js'

/** The app registered at TikTok Shop Partner Center that the sandbox emulates. */
export interface ShopApp {
  appKey: string
  appSecret: string
  serviceId: string
  /** The redirect URI registered for the service (the authorize URL carries none). */
  redirectUri: string
}

/** `SandboxOptions.shop`: the app (defaults `sbx_shop_app_key`…), sellers created at start, settings. */
export interface ShopOptions extends Partial<ShopApp> {
  sellers?: AddSellerInput[]
  settings?: Partial<ShopSettings>
}

/** Test controls of the emulated TikTok Shop (`sandbox.shop`). */
export interface ShopAdminApi {
  readonly appKey: string
  readonly serviceId: string
  addSeller(input?: AddSellerInput): ShopSeller
  listSellers(): ShopSeller[]
  /** Programmatic consent as `openId`: the redirect location with `code` and `state`. */
  approve(authorizeUrl: string, openId: string): string
  /** Programmatic cancel: the redirect location with `error=access_denied`. */
  deny(authorizeUrl: string): string
  /** Expires the seller's live tokens now (virtual clock). @returns how many changed. */
  expireTokens(openId: string, which?: { access?: boolean; refresh?: boolean }): number
  /** The live settings (lifetimes, timestamp tolerance), changed in place. */
  settings: ShopSettings
  /** Changes the registered redirect URI. */
  setRedirectUri(uri: string): void
}

const search = (url: string) => new URL(url).search.slice(1)

/**
 * Registers TikTok Shop's routes on the sandbox app and returns their admin API. State is in
 * memory only (not in the sandbox's state file): a restarted stack's sellers reconnect.
 */
export async function registerShop(
  fastify: FastifyInstance,
  ctx: SandboxContext,
  options: ShopOptions = {},
): Promise<ShopAdminApi> {
  const app: ShopApp = {
    appKey: options.appKey ?? 'sbx_shop_app_key',
    appSecret: options.appSecret ?? 'sbx_shop_app_secret',
    serviceId: options.serviceId ?? 'sbx_shop_service_id',
    redirectUri: options.redirectUri ?? 'http://127.0.0.1:3000/v1/connections/tiktok_shop/callback',
  }
  const store = createShopStore(ctx.clock, options.settings)
  for (const s of options.sellers ?? []) store.addSeller(s)
  await fastify.register(consentRoutes, { app, store })
  await fastify.register(shopRoutes, { ctx, app, store })
  return {
    appKey: app.appKey,
    serviceId: app.serviceId,
    addSeller: (input) => store.addSeller(input),
    listSellers: () => store.sellers(),
    approve: (url, openId) => consentRedirect(app, store, search(url), openId),
    deny: (url) => consentRedirect(app, store, search(url), undefined),
    expireTokens: (openId, which = { access: true, refresh: true }) => store.expire(openId, which),
    settings: store.settings,
    setRedirectUri(uri) {
      app.redirectUri = uri
    },
  }
}
