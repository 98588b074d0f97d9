import type { AuthClient } from '@social-bridge/auth-client'
import type { ConnectionAccessToken } from '@social-bridge/contracts'
import type { CreatorInfo, TikTokClient } from '@social-bridge/tiktok-client'
import type { QuotaKind } from '../db/schema.js'
import type { Quota } from '../repositories/quota.js'
import { QUOTA_LIMITS } from './quota-limits.js'
import { withAccessToken } from './token-call.js'

/** A per-token TikTok limit counted in PostgreSQL is used up: nothing was sent to TikTok. */
export class LimitReachedError extends Error {
  override name = 'LimitReachedError'
  constructor(
    readonly kind: QuotaKind,
    /** Seconds until a slot frees. */
    readonly retryAfterSec: number,
  ) {
    super(`${kind} limit of ${QUOTA_LIMITS[kind].limit} per ${QUOTA_LIMITS[kind].windowSec} s reached`)
  }
}

/**
 * Queries the account's creator_info (docs/tiktok-api.md §3.1) within its limit of 20 calls per minute
 * per access token, counted per connection in the shared quota table (so it holds across every
 * replica, together with the init and status limits). The access token is asked for first (the
 * tenant check); each attempt — including the one retried after `access_token_invalid` — then takes a
 * slot before TikTok is called.
 * @throws LimitReachedError (kind `creator_info`) before calling TikTok when no slot is free;
 *   AuthClientError or TikTokError as `withAccessToken` does.
 */
export async function queryCreatorInfo(opts: {
  quota: Quota
  authClient: AuthClient
  tiktok: TikTokClient
  connection: { connectionId: string; tenantId: string }
  postId?: string
  /** An access token the caller already got for this connection. */
  handed?: ConnectionAccessToken
}): Promise<CreatorInfo> {
  const reserve = async () => {
    const slot = await opts.quota.reserve(opts.connection.connectionId, 'creator_info', opts.postId)
    if (!slot.ok) throw new LimitReachedError('creator_info', slot.retryAfterSec)
    return true
  }
  // The access token first: it is also the tenant check, so nobody else can use up this account's calls.
  const { connectionId, tenantId } = opts.connection
  const handed = opts.handed ?? (await opts.authClient.getAccessToken(connectionId, { tenantId }))
  await reserve()
  return withAccessToken(
    opts.authClient,
    opts.connection,
    (token) => opts.tiktok.posting.queryCreatorInfo(token),
    reserve,
    handed,
  )
}
