import type { Database } from '@social-bridge/service-kit'
import { and, eq, inArray, or, sql } from 'drizzle-orm'
import { connections, type ShopRow, shops } from '../db/schema.js'
import type { Tx } from '../db/types.js'

/** A shop to store for a connection (docs/tiktok-shop-api.md §4). */
export interface ShopInput {
  shopId: string
  name: string
  region: string
  shopCipher: string
}

/** Statuses of a connection that still holds (or may regain without a new grant) its shops. */
const LIVE = ['active', 'reauth_required']

/** `auth.shops`, and the tenant-wide look-ups the one-shop rules need. */
export interface ShopsRepository {
  /** Shops of these connections (any status). */
  forConnections(ids: string[]): Promise<ShopRow[]>
  /** Replaces the connection's shops, in `tx`. */
  replace(tx: Tx, input: { connectionId: string; tenantId: string; shops: ShopInput[] }): Promise<void>
  /**
   * Serializes shop connects of a tenant until `tx` ends (a transaction-scoped advisory lock),
   * so two users cannot both pass the one-shop checks for the same shop.
   */
  lockTenant(tx: Tx, tenantId: string): Promise<void>
  /**
   * Live `tiktok_shop` connections of the tenant that conflict with a connect of `openId` /
   * `shopIds` by `userId`: those of other users holding the seller or one of the shops
   * (`otherUser`), and the user's own connection of another seller (`ownOther`).
   */
  conflicts(
    tx: Tx,
    input: { tenantId: string; userId: string; openId: string; shopIds: string[] },
  ): Promise<{ otherUser: boolean; ownOther: boolean }>
}

/** Builds the repository. */
export function createShopsRepository({ db }: { db: Database }): ShopsRepository {
  return {
    forConnections: (ids) =>
      ids.length === 0
        ? Promise.resolve([])
        : db.select().from(shops).where(inArray(shops.connectionId, ids)),
    async replace(tx, { connectionId, tenantId, shops: list }) {
      await tx.delete(shops).where(eq(shops.connectionId, connectionId))
      if (list.length > 0) await tx.insert(shops).values(list.map((s) => ({ ...s, connectionId, tenantId })))
    },
    async lockTenant(tx, tenantId) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`auth.shops:${tenantId}`}))`)
    },
    async conflicts(tx, { tenantId, userId, openId, shopIds }) {
      const holdsShop = shopIds.length
        ? sql`exists (select 1 from ${shops} where ${shops.connectionId} = ${connections.id} and ${inArray(shops.shopId, shopIds)})`
        : sql`false`
      const rows = await tx
        .select({ connectedBy: connections.connectedBy, openId: connections.openId })
        .from(connections)
        .where(
          and(
            eq(connections.tenantId, tenantId),
            eq(connections.provider, 'tiktok_shop'),
            inArray(connections.status, LIVE),
            or(eq(connections.connectedBy, userId), eq(connections.openId, openId), holdsShop),
          ),
        )
      return {
        otherUser: rows.some((r) => r.connectedBy !== userId),
        ownOther: rows.some((r) => r.connectedBy === userId && r.openId !== openId),
      }
    },
  }
}
