import {
  DEV_INSTAGRAM,
  DEV_JWT,
  DEV_TIKTOK,
  DEV_TIKTOK_SHOP,
  type DevSecrets,
  PORTS,
  url,
} from './dev-config.js'

export type StackPorts = typeof PORTS

/** Infrastructure addresses of the local stack. */
export interface Infra {
  databaseUrl: string
  natsUrl: string
  /** Subject/stream prefix (e2e runs use their own); empty for the local stack. */
  natsNamespace?: string
  /** File where the sandbox keeps its state across restarts; in memory when absent (e2e). */
  sandboxStateFile?: string
}

/** Environment of every process of the local stack (each service's `.env.example` names the same variables). */
export function stackEnv(
  s: DevSecrets,
  infra: Infra,
  ports: StackPorts = PORTS,
): Record<string, Record<string, string>> {
  const common = {
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    DATABASE_URL: infra.databaseUrl,
    NATS_URL: infra.natsUrl,
    NATS_NAMESPACE: infra.natsNamespace ?? '',
    INTERNAL_JWT_SECRET: s.internalJwtSecret,
    TIKTOK_CLIENT_KEY: DEV_TIKTOK.clientKey,
    TIKTOK_CLIENT_SECRET: s.tiktokClientSecret,
    TIKTOK_AUTH_BASE_URL: url(ports.sandbox),
    TIKTOK_API_BASE_URL: url(ports.sandbox),
    AUTH_SERVICE_URL: url(ports.auth),
  }
  const callback = `${url(ports.gateway)}/v1/connections/tiktok/callback`
  const shopAppSecret = s.tiktokShopAppSecret ?? s.tiktokClientSecret
  const igAppSecret = s.instagramAppSecret ?? s.tiktokClientSecret
  const igCallback = `${url(ports.gateway)}/v1/connections/instagram/callback`
  return {
    sandbox: {
      SANDBOX_PORT: String(ports.sandbox),
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_CLIENT_KEY: DEV_TIKTOK.clientKey,
      SANDBOX_CLIENT_SECRET: s.tiktokClientSecret,
      SANDBOX_REDIRECT_URIS: callback,
      SANDBOX_WEBHOOK_URL: `${url(ports.ingest)}/webhooks/tiktok`,
      SANDBOX_VERIFIED_URL_PREFIXES: DEV_TIKTOK.verifiedPrefix,
      SANDBOX_SEED_USERS: JSON.stringify(DEV_TIKTOK.users),
      SANDBOX_SHOP_APP_KEY: DEV_TIKTOK_SHOP.appKey,
      SANDBOX_SHOP_APP_SECRET: shopAppSecret,
      SANDBOX_SHOP_SERVICE_ID: DEV_TIKTOK_SHOP.serviceId,
      SANDBOX_SHOP_REDIRECT_URI: `${url(ports.gateway)}/v1/connections/tiktok_shop/callback`,
      SANDBOX_SHOP_SELLERS: JSON.stringify(DEV_TIKTOK_SHOP.sellers),
      SANDBOX_IG_APP_ID: DEV_INSTAGRAM.appId,
      SANDBOX_IG_APP_SECRET: igAppSecret,
      SANDBOX_IG_REDIRECT_URIS: igCallback,
      SANDBOX_IG_ACCOUNTS: JSON.stringify(DEV_INSTAGRAM.accounts),
      ...(infra.sandboxStateFile ? { SANDBOX_STATE_FILE: infra.sandboxStateFile } : {}),
      SANDBOX_SETTINGS: JSON.stringify({
        pullUrlRewrites: {
          [DEV_TIKTOK.verifiedPrefix]: `${url(ports.media)}/`,
          // stored photos of photo posts, served by publish-service through the gateway's public path
          [`${DEV_TIKTOK.verifiedPrefix}v1/media/public/`]: `${url(ports.gateway)}/v1/media/public/`,
        },
        processingDelayMs: 1500,
        publiclyAvailableDelayMs: 3000,
      }),
    },
    'auth-service': {
      ...common,
      PORT: String(ports.auth),
      TIKTOK_REDIRECT_URI: callback,
      TIKTOK_SHOP_APP_KEY: DEV_TIKTOK_SHOP.appKey,
      TIKTOK_SHOP_APP_SECRET: shopAppSecret,
      TIKTOK_SHOP_SERVICE_ID: DEV_TIKTOK_SHOP.serviceId,
      TIKTOK_SHOP_AUTHORIZE_BASE_URL: url(ports.sandbox),
      TIKTOK_SHOP_AUTH_BASE_URL: url(ports.sandbox),
      TIKTOK_SHOP_API_BASE_URL: url(ports.sandbox),
      INSTAGRAM_APP_ID: DEV_INSTAGRAM.appId,
      INSTAGRAM_APP_SECRET: igAppSecret,
      INSTAGRAM_REDIRECT_URI: igCallback,
      INSTAGRAM_AUTHORIZE_BASE_URL: `${url(ports.sandbox)}/instagram/www`,
      INSTAGRAM_API_BASE_URL: `${url(ports.sandbox)}/instagram/api`,
      INSTAGRAM_GRAPH_BASE_URL: `${url(ports.sandbox)}/instagram/graph`,
      TOKEN_ENCRYPTION_KEYS: `dev1:${s.tokenKey}`,
      TOKEN_ENCRYPTION_ACTIVE_KEY_ID: 'dev1',
      OAUTH_COOKIE_SECRET: s.cookieSecret,
      RETURN_URL_ALLOWLIST: `${url(ports.gateway)}/`,
      DEFAULT_RETURN_URL: `${url(ports.gateway)}/docs`,
    },
    'publish-service': {
      ...common,
      PORT: String(ports.publish),
      PULL_FROM_URL_PREFIXES: DEV_TIKTOK.verifiedPrefix,
      MEDIA_PUBLIC_BASE_URL: `${DEV_TIKTOK.verifiedPrefix}v1/media/public/`,
      INSTAGRAM_GRAPH_BASE_URL: `${url(ports.sandbox)}/instagram/graph`,
    },
    'webhook-ingest': {
      ...common,
      PORT: String(ports.ingest),
      // Instagram's webhooks (docs/instagram-api.md "Webhooks"): signed with the app secret
      INSTAGRAM_APP_SECRET: igAppSecret,
      INSTAGRAM_WEBHOOK_VERIFY_TOKEN: `dev-verify-${DEV_INSTAGRAM.appId}`,
    },
    'analytics-service': {
      ...common,
      PORT: String(ports.analytics),
      INSTAGRAM_GRAPH_BASE_URL: `${url(ports.sandbox)}/instagram/graph`,
    },
    'webhook-dispatch': {
      ...common,
      PORT: String(ports.dispatch),
      SECRET_ENCRYPTION_KEYS: `dev1:${s.webhookSecretKey}`,
      SECRET_ENCRYPTION_ACTIVE_KEY_ID: 'dev1',
      // development: the CRM's receiver may be plain http on this machine
      WEBHOOK_ALLOWED_HOSTS: 'localhost,127.0.0.1',
    },
    gateway: {
      ...common,
      PORT: String(ports.gateway),
      JWT_SECRET: s.jwtSecret,
      JWT_ISSUER: DEV_JWT.issuer,
      JWT_AUDIENCE: DEV_JWT.audience,
      PUBLISH_SERVICE_URL: url(ports.publish),
      ANALYTICS_SERVICE_URL: url(ports.analytics),
      DISPATCH_SERVICE_URL: url(ports.dispatch),
    },
  }
}
