import type { AuthClient } from '@social-bridge/auth-client'
import type { ConnectionAccessToken } from '@social-bridge/contracts'
import { TikTokError } from '@social-bridge/tiktok-client'
import { ProviderNotSupportedError } from '../errors.js'

/**
 * Runs `call` with an access token of `connectionId` just handed out by auth-service; when TikTok
 * answers `access_token_invalid` (category `token_invalid`, docs/tiktok-api.md §2.1), asks again with
 * `forceRefresh: true` and retries exactly once. `beforeRetry` runs between the two (e.g. to
 * reserve another rate-limit slot; returning false skips the retry and rethrows).
 * The token only lives in this call's scope: never stored, never logged.
 * @throws ProviderNotSupportedError (422) when the connection is not a TikTok account (a TikTok
 *   Shop seller's token cannot post); AuthClientError from auth-service; the TikTokError of the last attempt.
 */
export async function withAccessToken<T>(
  authClient: AuthClient,
  connection: { connectionId: string; tenantId: string },
  call: (accessToken: string) => Promise<T>,
  beforeRetry?: () => Promise<boolean>,
  /** An access token the caller already got for this connection (saves one auth-service call). */
  handed?: ConnectionAccessToken,
): Promise<T> {
  const first =
    handed ?? (await authClient.getAccessToken(connection.connectionId, { tenantId: connection.tenantId }))
  if (first.provider !== 'tiktok') {
    throw new ProviderNotSupportedError(
      `Posting needs a TikTok account; this connection is ${first.provider}`,
    )
  }
  try {
    return await call(first.accessToken)
  } catch (err) {
    if (!(err instanceof TikTokError) || err.category !== 'token_invalid') throw err
    if (beforeRetry && !(await beforeRetry())) throw err
    const fresh = await authClient.getAccessToken(connection.connectionId, {
      tenantId: connection.tenantId,
      forceRefresh: true,
    })
    return call(fresh.accessToken)
  }
}
