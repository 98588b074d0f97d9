import { Subjects } from '@social-bridge/contracts'
import { type Database, NotFoundError, type Outbox } from '@social-bridge/service-kit'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { type ConnectionRow, connections } from '../db/schema.js'
import { authMetrics } from '../metrics.js'
import { recordAudit } from '../repositories/audit.js'
import type { AccessTokenCache } from './access-token-cache.js'
import { ProviderError, type ProviderName, type ProviderRegistry } from './providers/provider.js'
import { openToken } from './sealed-tokens.js'
import type { Vault } from './vault.js'

/** Ends connections: a CRM user's disconnect, or TikTok's `authorization.removed`. */
export interface DisconnectService {
  /**
   * Revokes the access token at the provider when it has a revoke endpoint (TikTok,
   * docs/tiktok-api.md §1.5; a failure there is logged and does not block — TikTok Shop has none,
   * docs/tiktok-shop-api.md §6), deletes the tokens, marks the connection `disconnected`, audits and emits
   * `social.connection.disconnected` (`initiatedBy: 'user'`). Idempotent for an ended connection.
   * @throws NotFoundError (404) when the id is not the tenant's.
   */
  disconnect(input: { tenantId: string; id: string; userId: string }): Promise<ConnectionRow>
  /**
   * `authorization.removed` (docs/tiktok-api.md §4.3–§4.4): every live connection of `openId` (any
   * tenant) becomes `revoked` with its tokens deleted, and emits `…disconnected`
   * (`initiatedBy: 'tiktok'`) — except a connection (re)authorized at or after `createTimeSec`
   * (TikTok's `create_time`, Unix **seconds**): the event is about an earlier grant, so it is only
   * audited as `connection.revoke_ignored`. A grant in the same second as the event counts as
   * newer (a user cannot remove an app within the second they granted it, while a late event for
   * the previous grant is the common race; were it wrong, the next refresh gets `invalid_grant`
   * and marks `reauth_required`). Without `createTimeSec`, or for rows older than `authorized_at`,
   * the event applies. Idempotent: ended connections are left alone. @returns how many changed.
   */
  markRevoked(openId: string, reason: number | undefined, createTimeSec?: number): Promise<number>
}

const ENDED = {
  accessTokenSealed: null,
  refreshTokenSealed: null,
  tokenKeyId: null,
  nextRefreshAt: null,
  tokenVersion: sql`${connections.tokenVersion} + 1`,
}

/** The row's grant is at least as new as an event created at `createTimeSec` (Unix seconds). */
const grantedSince = (row: ConnectionRow, createTimeSec: number | undefined) =>
  createTimeSec !== undefined &&
  row.authorizedAt !== null &&
  row.authorizedAt.getTime() >= createTimeSec * 1000

/** Builds the service. */
export function createDisconnectService(opts: {
  db: Database
  providers: ProviderRegistry
  vault: Vault
  outbox: Outbox
  /** This replica's access-token cache: an ended connection's entry is dropped as soon as it commits. */
  cache: AccessTokenCache
  log?: { warn(obj: object, msg: string): void }
}): DisconnectService {
  const flush = () =>
    opts.outbox.flush().catch((err) => opts.log?.warn({ err }, 'outbox flush failed; relay will retry'))

  async function revokeAtProvider(row: ConnectionRow) {
    const revoke = opts.providers.get(row.provider as ProviderName)?.revoke
    if (!row.accessTokenSealed || !revoke) return
    try {
      await revoke(openToken(opts.vault, row, 'access', row.accessTokenSealed))
    } catch (err) {
      const e = err instanceof ProviderError ? err.detail : { message: (err as Error)?.message }
      opts.log?.warn({ connectionId: row.id, err: e }, 'revoke at the provider failed; disconnecting anyway')
    }
  }

  return {
    async disconnect({ tenantId, id, userId }) {
      const scope = and(eq(connections.id, id), eq(connections.tenantId, tenantId))
      // The row lock is held across the revoke (bounded by the client's timeout): revoking makes
      // TikTok send `authorization.removed`, whose consumer must wait for this transaction and
      // then find the connection already ended, not race it to `revoked`.
      const outcome = await opts.db.transaction(async (tx) => {
        const [current] = await tx.select().from(connections).where(scope).limit(1).for('update')
        if (!current) throw new NotFoundError('Connection')
        if (current.status === 'disconnected' || current.status === 'revoked')
          return { row: current, changed: false }
        await revokeAtProvider(current)
        const [updated] = await tx
          .update(connections)
          .set({ ...ENDED, status: 'disconnected', updatedAt: new Date() })
          .where(scope)
          .returning()
        await recordAudit(tx, {
          tenantId,
          connectionId: id,
          actor: { kind: 'user', id: userId },
          action: 'connection.disconnected',
        })
        authMetrics.transitions.inc({ status: 'disconnected' })
        await opts.outbox.enqueue(tx, {
          subject: Subjects.connectionDisconnected,
          aggregateId: id,
          tenantId: tenantId,
          data: {
            connectionId: id,
            provider: current.provider as ProviderName,
            status: 'disconnected',
            initiatedBy: 'user',
            userId,
          },
        })
        return { row: updated!, changed: true }
      })
      if (outcome.changed) {
        opts.cache.invalidate(id)
        await flush()
      }
      return outcome.row
    },

    async markRevoked(openId, reason, createTimeSec) {
      const tiktokReason = reason === undefined ? {} : { tiktokReason: reason }
      const changed = await opts.db.transaction(async (tx) => {
        const live = await tx
          .select()
          .from(connections)
          .where(
            and(
              eq(connections.provider, 'tiktok'),
              eq(connections.openId, openId),
              inArray(connections.status, ['active', 'reauth_required']),
            ),
          )
          .for('update')
        const ended: string[] = []
        for (const row of live) {
          if (grantedSince(row, createTimeSec)) {
            await recordAudit(tx, {
              tenantId: row.tenantId,
              connectionId: row.id,
              actor: { kind: 'tiktok' },
              action: 'connection.revoke_ignored',
              details: {
                ...tiktokReason,
                eventCreateTime: createTimeSec,
                authorizedAt: row.authorizedAt?.toISOString(),
              },
            })
            continue
          }
          await tx
            .update(connections)
            .set({ ...ENDED, status: 'revoked', updatedAt: new Date() })
            .where(eq(connections.id, row.id))
          await recordAudit(tx, {
            tenantId: row.tenantId,
            connectionId: row.id,
            actor: { kind: 'tiktok' },
            action: 'connection.revoked',
            details: tiktokReason,
          })
          authMetrics.transitions.inc({ status: 'revoked' })
          await opts.outbox.enqueue(tx, {
            subject: Subjects.connectionDisconnected,
            aggregateId: row.id,
            tenantId: row.tenantId,
            data: {
              connectionId: row.id,
              provider: 'tiktok',
              status: 'revoked',
              initiatedBy: 'tiktok',
              ...tiktokReason,
            },
          })
          ended.push(row.id)
        }
        return ended
      })
      for (const id of changed) opts.cache.invalidate(id)
      if (changed.length > 0) await flush()
      return changed.length
    },
  }
}
