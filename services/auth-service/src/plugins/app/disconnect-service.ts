import { Subjects } from '@social-bridge/contracts'
import { type Database, NotFoundError } from '@social-bridge/service-kit'
import { type TikTokClient, TikTokError } from '@social-bridge/tiktok-client'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { type ConnectionRow, connections } from '../../db/schema.js'
import { openToken } from '../../domain/sealed-tokens.js'
import type { Vault } from '../../domain/vault.js'
import { recordAudit } from './audit.js'
import type { Outbox } from './outbox.js'

/** Ends connections: a CRM user's disconnect, or TikTok's `authorization.removed`. */
export interface DisconnectService {
  /**
   * Revokes the access token at TikTok (REFERENCE.md §1.5; a failure there is logged and does not
   * block), deletes the tokens, marks the connection `disconnected`, audits and emits
   * `social.connection.disconnected` (`initiatedBy: 'user'`). Idempotent for an ended connection.
   * @throws NotFoundError (404) when the id is not the tenant's.
   */
  disconnect(input: { tenantId: string; id: string; userId: string }): Promise<ConnectionRow>
  /**
   * `authorization.removed` (REFERENCE.md §4.4): every live connection of `openId` (any tenant)
   * becomes `revoked` with its tokens deleted, and emits `…disconnected` (`initiatedBy: 'tiktok'`).
   * Idempotent: connections already ended are left alone. @returns how many changed.
   */
  markRevoked(openId: string, reason: number | undefined): Promise<number>
}

const ENDED = {
  accessTokenSealed: null,
  refreshTokenSealed: null,
  tokenKeyId: null,
  nextRefreshAt: null,
  tokenVersion: sql`${connections.tokenVersion} + 1`,
}

/** Builds the service. */
export function createDisconnectService(opts: {
  db: Database
  tiktok: TikTokClient
  vault: Vault
  outbox: Outbox
  log?: { warn(obj: object, msg: string): void }
}): DisconnectService {
  const flush = () =>
    opts.outbox.flush().catch((err) => opts.log?.warn({ err }, 'outbox flush failed; relay will retry'))

  async function revokeAtTikTok(row: ConnectionRow) {
    if (!row.accessTokenSealed) return
    try {
      await opts.tiktok.oauth.revokeAccessToken(openToken(opts.vault, row, 'access', row.accessTokenSealed))
    } catch (err) {
      const e = err instanceof TikTokError ? err.toJSON() : { message: (err as Error)?.message }
      opts.log?.warn({ connectionId: row.id, err: e }, 'revoke at TikTok failed; disconnecting anyway')
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
        if (current.status === 'disconnected' || current.status === 'revoked') return { row: current, changed: false }
        await revokeAtTikTok(current)
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
        await opts.outbox.enqueue(tx, Subjects.connectionDisconnected, tenantId, {
          connectionId: id,
          status: 'disconnected',
          initiatedBy: 'user',
          userId,
        })
        return { row: updated!, changed: true }
      })
      if (outcome.changed) await flush()
      return outcome.row
    },

    async markRevoked(openId, reason) {
      const changed = await opts.db.transaction(async (tx) => {
        const rows = await tx
          .update(connections)
          .set({ ...ENDED, status: 'revoked', updatedAt: new Date() })
          .where(
            and(
              eq(connections.provider, 'tiktok'),
              eq(connections.openId, openId),
              inArray(connections.status, ['active', 'reauth_required']),
            ),
          )
          .returning()
        for (const row of rows) {
          await recordAudit(tx, {
            tenantId: row.tenantId,
            connectionId: row.id,
            actor: { kind: 'tiktok' },
            action: 'connection.revoked',
            details: reason === undefined ? {} : { tiktokReason: reason },
          })
          await opts.outbox.enqueue(tx, Subjects.connectionDisconnected, row.tenantId, {
            connectionId: row.id,
            status: 'revoked',
            initiatedBy: 'tiktok',
            ...(reason === undefined ? {} : { tiktokReason: reason }),
          })
        }
        return rows.length
      })
      if (changed > 0) await flush()
      return changed
    },
  }
}
