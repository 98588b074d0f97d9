import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
/** Local state of the stack (secrets, logs, the sandbox's state); git-ignored. */
export const LOCAL_DIR = resolve(ROOT, '.local')
/** The TikTok sandbox's users, tokens and posts, kept across restarts like the stack's database. */
export const SANDBOX_STATE_FILE = resolve(LOCAL_DIR, 'sandbox-state.json')
/**
 * Extra sample videos beside the repository (`SHARED_MEDIA_DIR`, else `../shared/media`), or
 * undefined when that folder is not there. Optional: the stack and the demo fall back to the
 * videos @social-bridge/service-kit/testing makes.
 */
export const SHARED_MEDIA_DIR: string | undefined = [
  process.env.SHARED_MEDIA_DIR,
  resolve(ROOT, '../shared/media'),
].find((dir) => dir !== undefined && existsSync(dir))

const host = '127.0.0.1'
/** Ports of the local stack (services/README.md). */
export const PORTS = {
  gateway: 3000,
  auth: 3001,
  publish: 3002,
  ingest: 3003,
  analytics: 3004,
  dispatch: 3005,
  sandbox: 3100,
  media: 3101,
}
export const url = (port: number) => `http://${host}:${port}`

/** The CRM's JWT settings in development. */
export const DEV_JWT = { issuer: 'https://crm.local', audience: 'social-bridge', tenantId: 'demo-tenant' }
/** The sandbox app and its verified URL prefix (the stack's media server: sample videos by name). */
export const DEV_TIKTOK = {
  clientKey: 'sbx_demo_client_key',
  verifiedPrefix: 'https://media.socialbridge.test/',
  users: [
    { openId: 'demo-creator', displayName: 'Demo Creator', private: false, maxVideoPostDurationSec: 600 },
    { openId: 'demo-private', displayName: 'Private Creator', private: true, maxVideoPostDurationSec: 180 },
  ],
}

/** The sandbox's TikTok Shop app and its seller (docs/tiktok-shop-api.md); the app secret is in DevSecrets. */
export const DEV_TIKTOK_SHOP = {
  appKey: 'sbx_demo_shop_app_key',
  serviceId: 'sbx_demo_shop_service',
  sellers: [{ openId: 'demo-seller', sellerName: 'Demo Seller', region: 'GB', shopNames: ['Demo Shop UK'] }],
}

/** The demo Instagram app of the local stack (the sandbox's Instagram area) and its accounts. */
export const DEV_INSTAGRAM = {
  appId: 'sbx_demo_ig_app_id',
  accounts: [
    {
      igUserId: '17841400000000001',
      username: 'demo.reels',
      name: 'Demo Reels',
      accountType: 'BUSINESS' as const,
    },
    {
      igUserId: '17841400000000002',
      username: 'demo.personal',
      name: 'Demo Personal',
      accountType: 'PERSONAL' as const,
    },
  ],
}

/** Secrets of the local stack: generated on first start and kept so a second start can read its data. */
export interface DevSecrets {
  jwtSecret: string
  internalJwtSecret: string
  tiktokClientSecret: string
  /** Absent in secrets files written before TikTok Shop: the TikTok client secret is used. */
  tiktokShopAppSecret?: string
  /** Absent in secrets files written before Instagram: the TikTok client secret is used. */
  instagramAppSecret?: string
  tokenKey: string
  cookieSecret: string
  /** Seals webhook-dispatch's signing secrets (32 bytes, base64). */
  webhookSecretKey: string
}

/** Fresh random secrets: 32-byte hex JWT and cookie secrets, a 24-byte hex client secret, a 32-byte base64 token key. */
export function generateDevSecrets(): DevSecrets {
  return {
    jwtSecret: randomBytes(32).toString('hex'),
    internalJwtSecret: randomBytes(32).toString('hex'),
    tiktokClientSecret: randomBytes(24).toString('hex'),
    tiktokShopAppSecret: randomBytes(24).toString('hex'),
    instagramAppSecret: randomBytes(24).toString('hex'),
    tokenKey: randomBytes(32).toString('base64'),
    cookieSecret: randomBytes(32).toString('hex'),
    webhookSecretKey: randomBytes(32).toString('base64'),
  }
}

/**
 * The local stack's secrets from `.local/dev-secrets.json`, generated (mode 0600) on first use; a
 * secret added since the file was written is generated and added to it.
 */
export function loadDevSecrets(): DevSecrets {
  const file = resolve(LOCAL_DIR, 'dev-secrets.json')
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>) : {}
  const secrets = { ...generateDevSecrets(), ...kept }
  if (Object.keys(kept).length === Object.keys(secrets).length) return secrets
  mkdirSync(LOCAL_DIR, { recursive: true })
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  return secrets
}
