import { randomBytes } from 'node:crypto'
import type { Clock } from '../state/clock.js'

/** A TikTok Shop seller the sandbox knows, with its shops (docs/tiktok-shop-api.md §4). */
export interface ShopSeller {
  openId: string
  sellerName: string
  /** `seller_base_region`. */
  region: string
  shops: { id: string; name: string; region: string; code: string; cipher: string; seller_type: string }[]
}

/** What {@link ShopStore.addSeller} takes; every field has a default. */
export interface AddSellerInput {
  openId?: string
  sellerName?: string
  region?: string
  /** Shop names (default one shop named after the seller). */
  shopNames?: string[]
}

/** Lifetimes and tolerances of the emulated app, in seconds. */
export interface ShopSettings {
  /** Auth code validity (default 600). */
  codeTtlSec: number
  /** Access token validity (default 7 days, docs/tiktok-shop-api.md §2). */
  accessTokenTtlSec: number
  /** Refresh token validity (default 365 days). */
  refreshTokenTtlSec: number
  /** Accepted distance of a signed call's `timestamp` from now (default 300). */
  timestampToleranceSec: number
}

interface Token {
  openId: string
  /** Virtual Unix ms. */
  expiresAt: number
  live: boolean
}

const rand = (n: number) => randomBytes(n).toString('base64url')
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('')

/** In-memory state of the emulated TikTok Shop (not kept in the sandbox's state file). */
export interface ShopStore {
  settings: ShopSettings
  addSeller(input?: AddSellerInput): ShopSeller
  seller(openId: string): ShopSeller | undefined
  sellers(): ShopSeller[]
  /** A fresh single-use auth code for the seller. */
  issueCode(openId: string): string
  /** Consumes a code: the seller's open_id, or undefined when unknown, used or expired. */
  takeCode(code: string): string | undefined
  /** New access + refresh tokens; expiries as absolute Unix **seconds**. */
  issueTokens(openId: string): { access: string; refresh: string; accessExp: number; refreshExp: number }
  /** Consumes a live, unexpired refresh token (it stops working): the seller's open_id, or undefined. */
  takeRefresh(refresh: string): string | undefined
  /** The seller of a live, unexpired access token, or undefined. */
  accessOwner(access: string): string | undefined
  /** Expires the seller's tokens now. @returns how many changed. */
  expire(openId: string, which: { access?: boolean; refresh?: boolean }): number
}

/** Builds the store on the sandbox's virtual clock. */
export function createShopStore(clock: Clock, settings: Partial<ShopSettings> = {}): ShopStore {
  const sellers = new Map<string, ShopSeller>()
  const codes = new Map<string, { openId: string; expiresAt: number }>()
  const access = new Map<string, Token>()
  const refresh = new Map<string, Token>()
  const live = (t: Token | undefined) => (t?.live && t.expiresAt > clock.now() ? t : undefined)
  const store: ShopStore = {
    settings: {
      codeTtlSec: 600,
      accessTokenTtlSec: 7 * 86_400,
      refreshTokenTtlSec: 365 * 86_400,
      timestampToleranceSec: 300,
      ...settings,
    },
    addSeller(input = {}) {
      const openId = input.openId ?? `shop_seller_${rand(6)}`
      const sellerName = input.sellerName ?? `Seller ${openId.slice(-4)}`
      const region = input.region ?? 'GB'
      const seller: ShopSeller = {
        openId,
        sellerName,
        region,
        shops: (input.shopNames ?? [`${sellerName} Shop`]).map((name) => ({
          id: `7${digits(18)}`,
          name,
          region,
          code: `${region}LC${rand(4).toUpperCase()}`,
          cipher: `GCP_${rand(18)}`,
          seller_type: 'LOCAL',
        })),
      }
      sellers.set(openId, seller)
      return seller
    },
    seller: (openId) => sellers.get(openId),
    sellers: () => [...sellers.values()],
    issueCode(openId) {
      const code = `TTP_${rand(24)}`
      codes.set(code, { openId, expiresAt: clock.now() + store.settings.codeTtlSec * 1000 })
      return code
    },
    takeCode(code) {
      const c = codes.get(code)
      codes.delete(code)
      return c && c.expiresAt > clock.now() ? c.openId : undefined
    },
    issueTokens(openId) {
      const now = clock.now()
      const a = `ROW_${rand(32)}`
      const r = `ROW_${rand(32)}`
      const accessExpMs = now + store.settings.accessTokenTtlSec * 1000
      const refreshExpMs = now + store.settings.refreshTokenTtlSec * 1000
      access.set(a, { openId, expiresAt: accessExpMs, live: true })
      refresh.set(r, { openId, expiresAt: refreshExpMs, live: true })
      return {
        access: a,
        refresh: r,
        accessExp: Math.floor(accessExpMs / 1000),
        refreshExp: Math.floor(refreshExpMs / 1000),
      }
    },
    takeRefresh(token) {
      const t = live(refresh.get(token))
      if (!t) return undefined
      t.live = false
      return t.openId
    },
    accessOwner: (token) => live(access.get(token))?.openId,
    expire(openId, which) {
      const past = clock.now() - 1
      let n = 0
      const kinds = [which.access ? access : undefined, which.refresh ? refresh : undefined]
      for (const map of kinds) {
        for (const t of map?.values() ?? []) {
          if (t.openId !== openId || !live(t)) continue
          t.expiresAt = past
          n++
        }
      }
      return n
    },
  }
  return store
}
