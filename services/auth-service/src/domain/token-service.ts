import type { ConnectionAccessToken } from '@social-bridge/contracts'
import type { Outbox } from '@social-bridge/service-kit'
import { type Database, NotFoundError } from '@social-bridge/service-kit'
import type { ConnectionRow } from '../db/schema.js'
import {
  ConnectionNotActiveError,
  ReauthRequiredError,
  TokenKeyUnavailableError,
  tiktokUnavailable,
} from '../errors.js'
import { authMetrics } from '../metrics.js'
import type { ConnectionsRepository } from '../repositories/connections-repository.js'
import { recordRefreshAttempt } from '../repositories/refresh-attempts.js'
import type { AccessTokenCache } from './access-token-cache.js'
import type { ProviderName } from './providers/provider.js'
import type { Refresher, RefreshTrigger } from './refresher.js'
import { openToken } from './sealed-tokens.js'
import { accessTokenStaleAt } from './token-timing.js'
import { type Vault, VaultError } from './vault.js'

/** Options of {@link createTokenService}. */
export interface TokenServiceOptions {
  db: Database
  vault: Vault
  repo: ConnectionsRepository
  refresher: Refresher
  outbox: Outbox
  /** This replica's memory of handed-out tokens (`createAccessTokenCache`); dropped for a connection this service refreshes. */
  cache: AccessTokenCache
  /** REFRESH_MARGIN_SEC: a token within `min(margin, expires_in / 2)` of its expiry is never handed out. */
  marginSec: number
  /** Delays between in-request retries of a transient refresh failure, ms. Default [200, 1000]. */
  retryDelaysMs?: number[]
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

/** Hands out valid access tokens and refreshes on demand (the internal access-token API, manual refresh). */
export interface TokenService {
  /**
   * A valid access token for a connection (contracts `ConnectionAccessToken`). A token before its refresh
   * time and outside the margin of its expiry (`min(REFRESH_MARGIN_SEC, expires_in / 2)`,
   * docs/tiktok-api.md §1.4) is served from the row (decryption cached per token version), or from
   * this replica's access-token cache while that holds it (until the earliest of the cache's TTL,
   * the token's refresh time and that margin, and never once an event of a change of the
   * connection arrived); otherwise it is refreshed first — one refresh per connection across every
   * replica. A token within that margin is never returned. `forceRefresh` (the caller got `access_token_invalid`) always
   * returns a token other than the one stored when the request arrived.
   * @throws NotFoundError (404) unknown id or not `tenantId`'s; ReauthRequiredError /
   *   ConnectionNotActiveError (409); TikTokUnavailableError (503, `Retry-After`) when the refresh
   *   failed and the current token is within the margin of its expiry (or was reported invalid);
   *   TokenKeyUnavailableError (500) when the row's key is not configured.
   */
  getAccessToken(
    id: string,
    opts?: { tenantId?: string; forceRefresh?: boolean },
  ): Promise<ConnectionAccessToken>
  /**
   * Refreshes now (admin `POST /connections/:id/refresh`) unless another caller refreshed since
   * `seenVersion`. @returns the row after the refresh. @throws as `getAccessToken`.
   */
  refresh(
    id: string,
    opts: { trigger: RefreshTrigger; force: boolean; seenVersion?: number },
  ): Promise<ConnectionRow>
}

function assertUsable(row: ConnectionRow): void {
  if (row.status === 'reauth_required') throw new ReauthRequiredError()
  if (row.status !== 'active') throw new ConnectionNotActiveError(row.status)
}

/** Retry-After of a failed refresh: until the row's rescheduled refresh, within 1–60 s. */
const retryAfterSec = (row: ConnectionRow, now: Date) =>
  Math.min(60, Math.max(1, ((row.nextRefreshAt?.getTime() ?? 0) - now.getTime()) / 1000))

/** Builds the token service. */
export function createTokenService(opts: TokenServiceOptions): TokenService {
  const retryDelaysMs = opts.retryDelaysMs ?? [200, 1000]
  const inflight = new Map<string, Promise<ConnectionRow>>()
  const plain = new Map<string, { version: number; token: string }>()

  const accessTokenOf = (row: ConnectionRow): string => {
    const hit = plain.get(row.id)
    if (hit && hit.version === row.tokenVersion) return hit.token
    let token: string
    try {
      token = openToken(opts.vault, row, 'access', row.accessTokenSealed!)
    } catch (err) {
      if (!(err instanceof VaultError)) throw err
      opts.log?.error(
        { connectionId: row.id, tokenKeyId: row.tokenKeyId, err: { message: err.message } },
        'access token cannot be opened: its encryption key is not configured',
      )
      throw new TokenKeyUnavailableError({ cause: err })
    }
    if (plain.size > 50_000) plain.clear()
    plain.set(row.id, { version: row.tokenVersion, token })
    return token
  }

  const toAccessToken = (row: ConnectionRow): ConnectionAccessToken => ({
    connectionId: row.id,
    tenantId: row.tenantId,
    provider: row.provider as ProviderName,
    openId: row.openId,
    scopes: row.scopes,
    accessToken: accessTokenOf(row),
    accessTokenExpiresAt: row.accessTokenExpiresAt!.toISOString(),
  })

  /** The stored token may be handed out: present and not within the margin of its expiry. */
  const usable = (row: ConnectionRow, now: Date) => {
    const staleAt = accessTokenStaleAt(row, opts.marginSec)
    return row.accessTokenSealed !== null && staleAt !== null && now < staleAt
  }
  /** …and its refresh is not due yet (handing it out needs no refresh). */
  const fresh = (row: ConnectionRow, now: Date) =>
    usable(row, now) && row.nextRefreshAt !== null && now < row.nextRefreshAt
  /** Until when (Unix ms) a fresh row stays fresh: its refresh time or the margin of its expiry. */
  const freshUntil = (row: ConnectionRow) =>
    Math.min(row.nextRefreshAt!.getTime(), accessTokenStaleAt(row, opts.marginSec)!.getTime())

  async function refreshOnce(
    id: string,
    trigger: RefreshTrigger,
    force: boolean,
    seenVersion: number | undefined,
  ): Promise<ConnectionRow> {
    const result = await opts.db.transaction(async (tx) => {
      const row = await opts.repo.lockById(tx, id)
      if (!row) throw new NotFoundError('Connection')
      assertUsable(row)
      // Re-read under the lock: another replica (or request) may have refreshed meanwhile. A forced
      // refresh accepts only a token written since the one its caller saw.
      const refreshedByOther = seenVersion !== undefined && row.tokenVersion !== seenVersion
      if (
        (force ? refreshedByOther && usable(row, new Date()) : fresh(row, new Date())) &&
        row.accessTokenSealed
      ) {
        await recordRefreshAttempt(tx, {
          connectionId: id,
          trigger,
          outcome: 'already_fresh',
          tiktokCalls: 0,
        })
        return { outcome: 'already_fresh' as const, row }
      }
      return opts.refresher.refreshLocked(tx, row, { trigger, retryDelaysMs })
    })
    if (result.outcome !== 'already_fresh') {
      await opts.outbox
        .flush()
        .catch((err) => opts.log?.warn({ err }, 'outbox flush failed; relay will retry'))
    }
    switch (result.outcome) {
      case 'already_fresh':
      case 'refreshed':
        return result.row
      case 'reauth_required':
        throw new ReauthRequiredError()
      case 'key_unavailable':
        throw new TokenKeyUnavailableError()
      default: {
        const now = new Date()
        // A provider with a minimum token age (Instagram) was not asked: the token is young and valid.
        if (result.errorCode === 'refresh_not_allowed_yet' && usable(result.row, now)) return result.row
        // Transient failure: the current token is still served while outside the margin of its expiry.
        if (!force && usable(result.row, now)) return result.row
        throw tiktokUnavailable(retryAfterSec(result.row, now))
      }
    }
  }

  /**
   * One refresh per connection per process: callers of the same kind share it. A forced refresh
   * never joins an ordinary one (which may end by keeping the token the caller reported invalid);
   * forced refreshes share only with those that saw the same token version.
   */
  function refreshShared(id: string, trigger: RefreshTrigger, force: boolean, seenVersion?: number) {
    const key = force ? `${id}:force:${seenVersion ?? ''}` : id
    const running = inflight.get(key)
    if (running) return running
    const p = refreshOnce(id, trigger, force, seenVersion).finally(() => {
      inflight.delete(key)
      // the row may have changed (new token, reauth_required): no older read of it is served again
      opts.cache.invalidate(id)
    })
    inflight.set(key, p)
    return p
  }

  return {
    async getAccessToken(id, { tenantId, forceRefresh = false } = {}) {
      if (!forceRefresh) {
        const hit = opts.cache.get(id, Date.now())
        if (hit && (tenantId === undefined || hit.tenantId === tenantId)) {
          authMetrics.accessTokens.inc({ source: 'cache' })
          return hit
        }
      }
      const ticket = opts.cache.ticket()
      const row = await opts.repo.findById(id)
      if (!row || (tenantId !== undefined && row.tenantId !== tenantId)) throw new NotFoundError('Connection')
      assertUsable(row)
      if (!forceRefresh) {
        const now = new Date()
        if (fresh(row, now)) {
          const handed = toAccessToken(row)
          opts.cache.put(ticket, id, handed, freshUntil(row), now.getTime())
          authMetrics.accessTokens.inc({ source: 'database' })
          return handed
        }
        return toAccessToken(await refreshShared(id, 'access_token', false))
      }
      const reported = row.accessTokenSealed ? accessTokenOf(row) : undefined
      const after = await refreshShared(id, 'force', true, row.tokenVersion)
      const handed = toAccessToken(after)
      // TikTok could in principle answer a refresh with the same access token: never hand it back.
      if (handed.accessToken === reported) throw tiktokUnavailable(retryAfterSec(after, new Date()))
      return handed
    },
    async refresh(id, { trigger, force, seenVersion }) {
      return refreshShared(id, trigger, force, seenVersion)
    },
  }
}
