import type { AuthClient } from '@social-bridge/auth-client'
import type { ConnectionAccessToken } from '@social-bridge/contracts'
import { InstagramGraphError } from '@social-bridge/instagram-client'
import { TikTokError } from '@social-bridge/tiktok-client'
import { ProviderNotSupportedError } from '../errors.js'

/** What a token call needs to know of a network: the provider the connection must be and how its client reports a rejected token. */
export interface TokenSpec {
  provider: ConnectionAccessToken['provider']
  /** The account's name in messages, e.g. `TikTok`. */
  noun: string
  /** True for the network's "this access token is not valid (any more)" error. */
  isTokenInvalid(err: unknown): boolean
}

/** TikTok: `access_token_invalid` (category `token_invalid`, docs/tiktok-api.md §2.1). */
export const TIKTOK_TOKEN: TokenSpec = {
  provider: 'tiktok',
  noun: 'TikTok',
  isTokenInvalid: (err) => err instanceof TikTokError && err.category === 'token_invalid',
}

/** Instagram: Graph code 190 is a dead or invalid access token (docs/instagram-api.md "Errors"). */
export const INSTAGRAM_TOKEN: TokenSpec = {
  provider: 'instagram',
  noun: 'Instagram',
  isTokenInvalid: (err) => err instanceof InstagramGraphError && err.code === 190,
}

/**
 * Runs `call` with the connection's access token just handed out by auth-service (`handed`, when
 * the caller has one already, saves that call); when the network rejects the token
 * (`spec.isTokenInvalid`), asks again with `forceRefresh: true` and retries exactly once.
 * `beforeRetry` runs between the two (e.g. to reserve another rate-limit slot; returning false
 * skips the retry and rethrows). The token only lives in this call's scope: never stored, never logged.
 * @throws ProviderNotSupportedError (422) when the connection is not of `spec.provider`;
 *   AuthClientError from auth-service; the network's error of the last attempt.
 */
export async function withProviderToken<T>(
  authClient: AuthClient,
  connection: { connectionId: string; tenantId: string },
  spec: TokenSpec,
  call: (handed: ConnectionAccessToken) => Promise<T>,
  beforeRetry?: () => Promise<boolean>,
  handed?: ConnectionAccessToken,
): Promise<T> {
  const first =
    handed ?? (await authClient.getAccessToken(connection.connectionId, { tenantId: connection.tenantId }))
  if (first.provider !== spec.provider) {
    throw new ProviderNotSupportedError(
      `Posting needs a ${spec.noun} account; this connection is ${first.provider}`,
    )
  }
  try {
    return await call(first)
  } catch (err) {
    if (!spec.isTokenInvalid(err)) throw err
    if (beforeRetry && !(await beforeRetry())) throw err
    const fresh = await authClient.getAccessToken(connection.connectionId, {
      tenantId: connection.tenantId,
      forceRefresh: true,
    })
    return call(fresh)
  }
}

/**
 * {@link withProviderToken} for TikTok: `call` gets the access token.
 * @throws ProviderNotSupportedError (422) when the connection is not a TikTok account (a TikTok
 *   Shop seller's or an Instagram account's token cannot use TikTok's posting); AuthClientError; the TikTokError of the last attempt.
 */
export function withAccessToken<T>(
  authClient: AuthClient,
  connection: { connectionId: string; tenantId: string },
  call: (accessToken: string) => Promise<T>,
  beforeRetry?: () => Promise<boolean>,
  handed?: ConnectionAccessToken,
): Promise<T> {
  return withProviderToken(
    authClient,
    connection,
    TIKTOK_TOKEN,
    (h) => call(h.accessToken),
    beforeRetry,
    handed,
  )
}
