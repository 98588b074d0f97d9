import type { Connection, ConnectionStatus, InternalConnection } from '@social-bridge/contracts'
import type { Static } from 'typebox'
import type { ConnectionRow } from '../db/schema.js'

type Status = Static<typeof ConnectionStatus>

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/** The public DTO of a connection (contracts `Connection`): never a token. */
export function toConnectionDto(row: ConnectionRow): Connection {
  return {
    id: row.id,
    provider: 'tiktok',
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
}

/** The internal DTO (contracts `InternalConnection`) for schedulers of other services. */
export function toInternalDto(row: ConnectionRow): InternalConnection {
  return {
    id: row.id,
    tenantId: row.tenantId,
    provider: 'tiktok',
    openId: row.openId,
    scopes: row.scopes,
    status: row.status as Status,
  }
}
