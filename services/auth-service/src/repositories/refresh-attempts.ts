import type { Database } from '@social-bridge/service-kit'
import { and, eq, inArray } from 'drizzle-orm'
import { refreshAttempts } from '../db/schema.js'
import type { Tx } from '../db/types.js'

/** Outcomes stored in `auth.refresh_attempts.outcome`. */
export type RefreshAttemptOutcome =
  | 'refreshed'
  | 'already_fresh'
  | 'transient_failure'
  | 'failed'
  | 'reauth_required'
  /** Journal: a call to TikTok's token endpoint is under way (committed before the call). */
  | 'in_flight'
  /**
   * An `in_flight` call whose outcome never committed (its process died, or its transaction
   * failed, after the call was sent): TikTok may have rotated the refresh token on it.
   */
  | 'interrupted'

/** One refresh attempt of a connection. */
export interface RefreshAttempt {
  connectionId: string
  /** What started it: `access_token` (`lease` before the rename), `force`, `scheduler`, `manual`. */
  trigger: string
  outcome: RefreshAttemptOutcome
  /** TikTok's or our error code (`invalid_grant`, `token_key_unavailable`…); never a token. */
  errorCode?: string | null
  /** Calls made to TikTok's token endpoint (0 when none was needed). */
  tiktokCalls: number
}

/** Appends an attempt in the caller's transaction, so it commits with the row it describes. */
export async function recordRefreshAttempt(tx: Tx, a: RefreshAttempt): Promise<void> {
  await tx.insert(refreshAttempts).values({
    connectionId: a.connectionId,
    trigger: a.trigger,
    outcome: a.outcome,
    errorCode: a.errorCode ?? null,
    tiktokCalls: a.tiktokCalls,
  })
}

/**
 * Journals a call to the provider's token endpoint as `in_flight`, committed at once through
 * `journal` (a pool of its own: the caller's transaction holds a connection of the main pool and
 * the row lock) — so it survives the caller's process dying mid-call, when the rest of the
 * refresh rolls back. The caller's transaction removes it with its outcome ({@link endRefreshCall}).
 * @returns the journal row's id.
 */
export async function beginRefreshCall(
  journal: Database,
  a: { connectionId: string; trigger: string },
): Promise<number> {
  const [row] = await journal
    .insert(refreshAttempts)
    .values({ connectionId: a.connectionId, trigger: a.trigger, outcome: 'in_flight', tiktokCalls: 1 })
    .returning({ id: refreshAttempts.id })
  return row!.id
}

/**
 * The `in_flight` calls of a connection left by earlier refreshes, read under the caller's row
 * lock: every live refresh holds that lock from its journal entry to its commit, so these are
 * calls whose outcome was lost (auth-service README, "Interrupted refreshes").
 */
export async function interruptedRefreshCalls(tx: Tx, connectionId: string): Promise<number[]> {
  const rows = await tx
    .select({ id: refreshAttempts.id })
    .from(refreshAttempts)
    .where(and(eq(refreshAttempts.connectionId, connectionId), eq(refreshAttempts.outcome, 'in_flight')))
  return rows.map((r) => r.id)
}

/** In the caller's transaction: marks `interrupted` calls as such and drops the caller's own journal entry. */
export async function endRefreshCall(tx: Tx, own: number | undefined, interrupted: number[]): Promise<void> {
  if (interrupted.length > 0)
    await tx
      .update(refreshAttempts)
      .set({ outcome: 'interrupted' })
      .where(inArray(refreshAttempts.id, interrupted))
  if (own !== undefined) await tx.delete(refreshAttempts).where(eq(refreshAttempts.id, own))
}
