import type { Connection, ConnectionStatus, InternalConnection } from '@social-bridge/contracts'
import type { Static } from 'typebox'
import type { ConnectionRow, ShopRow } from '../db/schema.js'
import type { ProviderName } from './providers/provider.js'

type Status = Static<typeof ConnectionStatus>

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/**
 * The public DTO of a connection (contracts `Connection`): never a token. A `tiktok_shop`
 * connection adds `sellerName` and its `shops` (from `shops`, the rows of any connections; the
 * `shop_cipher` is left out). An `instagram` connection adds `accountType`, `canPublish` and, for a
 * personal account, the `notice` (from `account_details`, docs/instagram-api.md "Connect").
 */
export function toConnectionDto(row: ConnectionRow, shops: readonly ShopRow[] = []): Connection {
  const dto: Connection = {
    id: row.id,
    provider: row.provider as ProviderName,
    openId: row.openId,
    displayName: row.displayName,
    avatarUrl: row.avatarUrl,
    scopes: row.scopes,
    status: row.status as Status,
    accessTokenExpiresAt: iso(row.accessTokenExpiresAt),
    refreshTokenExpiresAt: iso(row.refreshTokenExpiresAt),
    lastRefreshedAt: iso(row.lastRefreshedAt),
    createdAt: row.createdAt.toISOString(),
  }
  if (row.provider === 'instagram') {
    const a = row.accountDetails ?? {}
    return {
      ...dto,
      ...(a.accountType === undefined ? {} : { accountType: a.accountType }),
      ...(a.canPublish === undefined ? {} : { canPublish: a.canPublish }),
      ...(a.notice === undefined ? {} : { notice: a.notice }),
    }
  }
  if (row.provider !== 'tiktok_shop') return dto
  return {
    ...dto,
    sellerName: row.displayName ?? '',
    shops: shops
      .filter((s) => s.connectionId === row.id)
      .map((s) => ({ shopId: s.shopId, name: s.name, region: s.region })),
  }
}

/** The internal DTO (contracts `InternalConnection`) for schedulers of other services. */
export function toInternalDto(row: ConnectionRow): InternalConnection {
  return {
    id: row.id,
    tenantId: row.tenantId,
    provider: row.provider as ProviderName,
    openId: row.openId,
    scopes: row.scopes,
    status: row.status as Status,
  }
}
