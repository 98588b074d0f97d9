import type { TokenLease } from '@social-bridge/contracts'
import { TikTokError } from '@social-bridge/tiktok-client'
import type { LeaseClient } from '../plugins/external/lease-client.js'

/**
 * Runs `call` with a freshly leased access token of `connectionId`; when TikTok answers
 * `access_token_invalid` (category `token_invalid`, REFERENCE.md §2.1), leases again with
 * `forceRefresh: true` and retries exactly once. `beforeRetry` runs between the two (e.g. to
 * reserve another rate-limit slot; returning false skips the retry and rethrows).
 * The token only lives in this call's scope: never stored, never logged.
 * @throws LeaseError from the lease, or the TikTokError of the last attempt.
 */
export async function withAccessToken<T>(
  leases: LeaseClient,
  connection: { connectionId: string; tenantId: string },
  call: (accessToken: string) => Promise<T>,
  beforeRetry?: () => Promise<boolean>,
  /** A lease the caller already holds for this connection (saves one auth-service call). */
  leased?: TokenLease,
): Promise<T> {
  const first = leased ?? (await leases.lease(connection.connectionId, { tenantId: connection.tenantId }))
  try {
    return await call(first.accessToken)
  } catch (err) {
    if (!(err instanceof TikTokError) || err.category !== 'token_invalid') throw err
    if (beforeRetry && !(await beforeRetry())) throw err
    const fresh = await leases.lease(connection.connectionId, {
      tenantId: connection.tenantId,
      forceRefresh: true,
    })
    return call(fresh.accessToken)
  }
}
