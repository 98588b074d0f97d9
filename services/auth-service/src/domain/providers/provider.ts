import type { ErrorCode, Provider } from '@social-bridge/contracts'
import type { Static } from 'typebox'
import type { Tx } from '../../db/types.js'

/** A provider's name as stored in `connections.provider` (contracts `Provider`). */
export type ProviderName = Static<typeof Provider>

/** Tokens a provider granted, in the units the vault's timing uses (seconds from now). */
export interface GrantedTokens {
  accessToken: string
  refreshToken: string
  /** Access token lifetime from now, seconds (TikTok Shop's absolute expiries are converted). */
  expiresInSec: number
  /** Refresh token lifetime from now, seconds. */
  refreshExpiresInSec: number
  /** Granted scopes; empty when the provider did not say (the stored ones are then kept). */
  scopes: string[]
}

/**
 * What a provider tells about the account beyond its name, shown on the connection (contracts
 * `Connection.accountType`, `canPublish`, `notice`). Stored as given; absent for TikTok.
 */
export interface AccountDetails {
  accountType?: string
  canPublish?: boolean
  notice?: { code: string; message: string }
}

/**
 * When a provider's tokens may and should be refreshed, instead of the shared
 * REFRESH_MARGIN_SEC rule (Instagram: docs/instagram-api.md "Connect").
 */
export interface RefreshWindow {
  /** A token younger than this is never refreshed (the provider refuses it), seconds. */
  minAgeSec: number
  /** Refresh this long before the access token expires (at most half its lifetime), seconds. */
  leadSec: number
}

/** What a code exchange yields: the account, its tokens and what the provider tells about it. */
export interface Grant extends GrantedTokens {
  /** The account's id at the provider (TikTok `open_id`, TikTok Shop seller `open_id`). */
  openId: string
  displayName?: string | undefined
  avatarUrl?: string | undefined
  /** Provider-specific details the adapter stores itself in {@link ProviderAdapter.saveDetails}. */
  details?: unknown
  /** Shown on the connection; stored in `connections.account_details`. */
  account?: AccountDetails | undefined
}

/**
 * A failed provider call, classified once by the adapter so the services never read a
 * provider's own error types:
 * - `grant_dead`: the refresh token (or code) is refused for good — the user must reconnect
 *   (`reauth_required`);
 * - `transient`: timeout, 5xx, rate limit — retry later, the connection stays `active`;
 * - `failed`: any other refusal (bad app credentials…) — not retried as is.
 * `errorCode` is the provider's code (`invalid_grant`, `36004005`…) and `detail` its safe-to-log
 * JSON; neither ever holds a token or secret.
 */
export class ProviderError extends Error {
  override name = 'ProviderError'
  constructor(
    readonly kind: 'grant_dead' | 'transient' | 'failed',
    readonly errorCode: string,
    readonly detail: Record<string, unknown>,
  ) {
    super(`provider call failed: ${errorCode}`)
  }
}

/**
 * The {@link ProviderError} kind of a client error: `grant_dead` when `grantDead`, `transient` for
 * the clients' `retryable` and `rate_limited` categories, else `failed`.
 */
export function errorKind(category: string, grantDead: boolean): ProviderError['kind'] {
  if (grantDead) return 'grant_dead'
  return category === 'retryable' || category === 'rate_limited' ? 'transient' : 'failed'
}

/**
 * Runs a client call, rethrowing what `toProviderError` makes of its failure (a
 * {@link ProviderError}, or the error itself when it is not the client's).
 */
export function providerCall<T>(p: Promise<T>, toProviderError: (err: unknown) => unknown): Promise<T> {
  return p.catch((err) => {
    throw toProviderError(err)
  })
}

/** Who connects, for an adapter's admission rules. */
export interface AdmitInput {
  tenantId: string
  userId: string
  grant: Grant
}

/**
 * One provider, as auth-service's domain sees it (services/README.md "Providers"). A new
 * provider is its client package plus one of these, registered in `plugins/app/domain.ts`;
 * the connect flow, the vault, refresh, the hand-out and disconnect stay as they are.
 */
export interface ProviderAdapter {
  readonly name: ProviderName
  /** The provider's authorize URL for a state (and the PKCE challenge when it takes one). */
  authorizeUrl(input: { state: string; codeChallenge: string }): string
  /**
   * Exchanges the callback's code (and reads the profile or shops). `callbackScopes` are the
   * callback's `scopes`, for providers whose token answer may omit them.
   * @throws ProviderError
   */
  exchangeCode(input: { code: string; codeVerifier: string; callbackScopes: string[] }): Promise<Grant>
  /** A refresh with the stored refresh token. Store the one returned. @throws ProviderError */
  refresh(refreshToken: string): Promise<GrantedTokens>
  /** When tokens may and should be refreshed; absent → `expires_at − min(REFRESH_MARGIN_SEC, lifetime / 2)`. */
  readonly refreshWindow?: RefreshWindow
  /** Revokes at the provider; absent when the provider has no revoke endpoint. @throws ProviderError */
  revoke?(accessToken: string): Promise<void>
  /**
   * Rules checked in the connect transaction before the connection is written; an error code
   * refuses the connect (nothing stored). Absent: every connect is admitted.
   */
  admit?(tx: Tx, input: AdmitInput): Promise<ErrorCode | null>
  /** Stores `grant.details` for connection `connectionId` in the connect transaction. */
  saveDetails?(tx: Tx, input: { connectionId: string; tenantId: string; grant: Grant }): Promise<void>
}

/** The configured providers, by name. */
export type ProviderRegistry = ReadonlyMap<ProviderName, ProviderAdapter>
