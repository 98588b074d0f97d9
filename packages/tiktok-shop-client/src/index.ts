/**
 * @social-bridge/tiktok-shop-client — the only code in Social Bridge that speaks TikTok Shop's
 * wire format: seller authorization (authorize URL, token get/refresh), request signing and the
 * authorized-shops call. Built from docs/tiktok-shop-api.md. See README.md.
 */
export {
  type AuthorizedShop,
  createTikTokShopClient,
  type ShopTokenSet,
  type TikTokShopClient,
  type TikTokShopClientOptions,
} from './client.js'
export {
  classifyShopError,
  redactShopSecrets,
  ShopCodes,
  TIKTOK_SHOP_CLIENT_ERROR_CODES,
  type TikTokShopClientErrorCode,
  TikTokShopError,
  type TikTokShopErrorCategory,
} from './errors.js'
export { type SignInput, signRequest, stringToSign } from './sign.js'
