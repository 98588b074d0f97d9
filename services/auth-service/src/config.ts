import { BaseConfig } from '@social-bridge/service-kit'
import { type Static, Type } from 'typebox'

/** TikTok scopes asked for on connect (docs/tiktok-api.md §1.7), comma-separated. */
export const DEFAULT_TIKTOK_SCOPES =
  'user.info.basic,user.info.profile,user.info.stats,video.list,video.upload,video.publish'

/**
 * auth-service configuration: the shared variables plus its own (see `.env.example`).
 * Validated once at start (`loadConfigOrExit(AuthConfig)` in `server.ts`); tests build the object.
 */
export const AuthConfig = Type.Object({
  ...BaseConfig.properties,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3001 }),
  /** HS256 secret of internal identity tokens (≥ 32 bytes), shared with the gateway and peers. */
  INTERNAL_JWT_SECRET: Type.String({ minLength: 32 }),
  /**
   * Connections of the service's main PostgreSQL pool (service-kit dbPlugin); the refresh journal
   * holds one more of its own. Size it against the server's limit across replicas
   * (deploy/README.md "Scaling out").
   */
  DB_POOL_SIZE: Type.Integer({ minimum: 1, default: 20 }),
  TIKTOK_CLIENT_KEY: Type.String({ minLength: 1 }),
  TIKTOK_CLIENT_SECRET: Type.String({ minLength: 1 }),
  TIKTOK_AUTH_BASE_URL: Type.String({ default: 'https://www.tiktok.com' }),
  TIKTOK_API_BASE_URL: Type.String({ default: 'https://open.tiktokapis.com' }),
  /** The registered redirect URI: the gateway's public `/v1/connections/tiktok/callback`. */
  TIKTOK_REDIRECT_URI: Type.String({ pattern: '^https?://' }),
  TIKTOK_SCOPES: Type.String({ minLength: 1, default: DEFAULT_TIKTOK_SCOPES }),
  /**
   * TikTok Shop (docs/tiktok-shop-api.md): the app of Partner Center. Without all three of key,
   * secret and service id the `tiktok_shop` provider is off (its authorize answers 404).
   */
  TIKTOK_SHOP_APP_KEY: Type.Optional(Type.String({ minLength: 1 })),
  TIKTOK_SHOP_APP_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  TIKTOK_SHOP_SERVICE_ID: Type.Optional(Type.String({ minLength: 1 })),
  /** The seller's authorize page host; `https://services.us.tiktokshop.com` for US sellers. */
  TIKTOK_SHOP_AUTHORIZE_BASE_URL: Type.String({ default: 'https://services.tiktokshop.com' }),
  /** Token get/refresh host. */
  TIKTOK_SHOP_AUTH_BASE_URL: Type.String({ default: 'https://auth.tiktok-shops.com' }),
  /** Shop API host (the authorized-shops call). */
  TIKTOK_SHOP_API_BASE_URL: Type.String({ default: 'https://open-api.tiktokglobalshop.com' }),
  /**
   * Instagram (Business Login for Instagram, docs/instagram-api.md "Connect"): the Instagram app id
   * and secret and the registered redirect URI (the gateway's `/v1/connections/instagram/callback`).
   * Without all three the `instagram` provider is off (its authorize answers 404).
   */
  INSTAGRAM_APP_ID: Type.Optional(Type.String({ minLength: 1 })),
  INSTAGRAM_APP_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  INSTAGRAM_REDIRECT_URI: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** The authorize page host. */
  INSTAGRAM_AUTHORIZE_BASE_URL: Type.String({ default: 'https://www.instagram.com' }),
  /** The code-exchange host. */
  INSTAGRAM_API_BASE_URL: Type.String({ default: 'https://api.instagram.com' }),
  /** The Graph host (long-lived exchange, refresh, `/me`); may end in a version, e.g. `/v23.0`. */
  INSTAGRAM_GRAPH_BASE_URL: Type.String({ default: 'https://graph.instagram.com' }),
  /** `kid1:base64key,kid2:base64key`; every key is 32 bytes (AES-256-GCM). */
  TOKEN_ENCRYPTION_KEYS: Type.String({ minLength: 1 }),
  /** Key id new ciphertexts are written under; must be one of TOKEN_ENCRYPTION_KEYS. */
  TOKEN_ENCRYPTION_ACTIVE_KEY_ID: Type.String({ minLength: 1 }),
  /** Signs the OAuth state cookie (≥ 32 chars). */
  OAUTH_COOKIE_SECRET: Type.String({ minLength: 32 }),
  /** Comma-separated origins (`https://crm.example.com`) or URL prefixes the CRM may return to. */
  RETURN_URL_ALLOWLIST: Type.String({ default: '' }),
  /** Where the callback sends the browser when the authorize request named no `returnUrl`. */
  DEFAULT_RETURN_URL: Type.String({ pattern: '^https?://' }),
  /** Refresh an access token when it expires within this many seconds. */
  REFRESH_MARGIN_SEC: Type.Integer({ minimum: 0, default: 300 }),
  /**
   * Longest a replica hands out a valid access token from memory without reading its row again, ms
   * (README "Access-token cache"); 0 turns the cache off. Every change of a connection drops its
   * entry on every replica as its event arrives; this bounds the rest (an event published late).
   */
  ACCESS_TOKEN_CACHE_TTL_MS: Type.Integer({ minimum: 0, default: 1000 }),
  /** Period of the refresh scheduler, ms; 0 disables it. */
  REFRESH_SCHEDULER_INTERVAL_MS: Type.Integer({ minimum: 0, default: 60_000 }),
})
export type AuthConfig = Static<typeof AuthConfig>
