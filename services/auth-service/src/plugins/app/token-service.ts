import type { TokenLease } from '@social-bridge/contracts'
import { type Database, NotFoundError } from '@social-bridge/service-kit'
import type { ConnectionRow } from '../../db/schema.js'
import { openToken } from '../../domain/sealed-tokens.js'
import type { Vault } from '../../domain/vault.js'
import { ConnectionNotActiveError, ReauthRequiredError, TikTokUnavailableError } from '../../errors.js'
import type { ConnectionsRepository } from './connections-repository.js'
import type { Outbox } from './outbox.js'
import type { Refresher, RefreshTrigger } from './refresher.js'

/** Options of {@link createTokenService}. */
export interface TokenServiceOptions {
  db: Database
  vault: Vault
  repo: ConnectionsRepository
  refresher: Refresher
  outbox: Outbox
  /** Delays between in-request retries of a transient refresh failure, ms. Default [200, 1000]. */
  retryDelaysMs?: number[]
  log?: { warn(obj: object, msg: string): void }
}

/** Leases valid access tokens and refreshes on demand (the internal lease API, manual refresh). */
export interface TokenService {
  /**
   * A valid access token for a connection (contracts `TokenLease`). A token outside the refresh
   * window is served from the row (decryption cached per token version); otherwise, or with
   * `forceRefresh`, it is refreshed first — one refresh per connection across every replica.
   * @throws NotFoundError (404) unknown id or not `tenantId`'s; ReauthRequiredError /
   *   ConnectionNotActiveError (409); TikTokUnavailableError (503) when the refresh failed and the
   *   current token is no longer valid.
   */
  lease(id: string, opts?: { tenantId?: string; forceRefresh?: boolean }): Promise<TokenLease>
  /**
   * Refreshes now (admin `POST /connections/:id/refresh`) unless another caller refreshed since
   * `seenVersion`. @returns the row after the refresh. @throws as `lease`.
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

/** Builds the token service. */
export function createTokenService(opts: TokenServiceOptions): TokenService {
  const retryDelaysMs = opts.retryDelaysMs ?? [200, 1000]
  const inflight = new Map<string, Promise<ConnectionRow>>()
  const plain = new Map<string, { version: number; token: string }>()

  const accessTokenOf = (row: ConnectionRow): string => {
    const hit = plain.get(row.id)
    if (hit && hit.version === row.tokenVersion) return hit.token
    const token = openToken(opts.vault, row, 'access', row.accessTokenSealed!)
    if (plain.size > 50_000) plain.clear()
    plain.set(row.id, { version: row.tokenVersion, token })
    return token
  }

  const toLease = (row: ConnectionRow): TokenLease => ({
    connectionId: row.id,
    tenantId: row.tenantId,
    provider: 'tiktok',
    openId: row.openId,
    scopes: row.scopes,
    accessToken: accessTokenOf(row),
    accessTokenExpiresAt: row.accessTokenExpiresAt!.toISOString(),
  })

  const fresh = (row: ConnectionRow, now: Date) =>
    row.accessTokenSealed !== null && row.nextRefreshAt !== null && now < row.nextRefreshAt

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
      // Re-read under the lock: another replica (or request) may have refreshed meanwhile.
      const refreshedByOther = seenVersion !== undefined && row.tokenVersion !== seenVersion
      if ((force ? refreshedByOther : fresh(row, new Date())) && row.accessTokenSealed) {
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
      default: {
        const row = result.row
        // Transient failure: the connection stays usable while its current token is valid.
        if (
          !force &&
          row.accessTokenSealed &&
          row.accessTokenExpiresAt &&
          row.accessTokenExpiresAt > new Date()
        ) {
          return row
        }
        throw new TikTokUnavailableError()
      }
    }
  }

  function refreshShared(id: string, trigger: RefreshTrigger, force: boolean, seenVersion?: number) {
    const running = inflight.get(id)
    if (running) return running
    const p = refreshOnce(id, trigger, force, seenVersion).finally(() => inflight.delete(id))
    inflight.set(id, p)
    return p
  }

  return {
    async lease(id, { tenantId, forceRefresh = false } = {}) {
      const row = await opts.repo.findById(id)
      if (!row || (tenantId !== undefined && row.tenantId !== tenantId)) throw new NotFoundError('Connection')
      assertUsable(row)
      if (!forceRefresh && fresh(row, new Date())) return toLease(row)
      const after = await refreshShared(id, forceRefresh ? 'force' : 'lease', forceRefresh, row.tokenVersion)
      return toLease(after)
    },
    async refresh(id, { trigger, force, seenVersion }) {
      return refreshShared(id, trigger, force, seenVersion)
    },
  }
}
