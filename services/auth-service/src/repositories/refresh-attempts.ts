import { refreshAttempts } from '../db/schema.js'
import type { Tx } from '../db/types.js'

/** Outcomes stored in `auth.refresh_attempts.outcome`. */
export type RefreshAttemptOutcome =
  | 'refreshed'
  | 'already_fresh'
  | 'transient_failure'
  | 'failed'
  | 'reauth_required'

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
