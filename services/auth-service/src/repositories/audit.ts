import { auditLog } from '../db/schema.js'
import type { DbOrTx } from '../db/types.js'

/** Who did it: a CRM user (by id), TikTok (a webhook), or the service itself (refresh, jobs). */
export type Actor = { kind: 'user'; id: string } | { kind: 'tiktok' } | { kind: 'system' }

/** One lifecycle fact for the audit log; `details` must never hold a token, secret or code. */
export interface AuditEntry {
  tenantId: string
  connectionId?: string | null
  actor: Actor
  /** e.g. `connect.started`, `connection.connected`, `connection.refreshed`, `connection.disconnected`. */
  action: string
  details?: Record<string, unknown>
}

/** Appends an audit entry in the caller's transaction, so it commits with the effect it describes. */
export async function recordAudit(db: DbOrTx, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    tenantId: entry.tenantId,
    connectionId: entry.connectionId ?? null,
    actorKind: entry.actor.kind,
    actor: entry.actor.kind === 'user' ? entry.actor.id : entry.actor.kind,
    action: entry.action,
    details: entry.details ?? null,
  })
}
