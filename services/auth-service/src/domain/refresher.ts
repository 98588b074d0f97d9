import { Subjects } from '@social-bridge/contracts'
import type { Database, Outbox } from '@social-bridge/service-kit'
import { eq, sql } from 'drizzle-orm'
import { type ConnectionRow, connections } from '../db/schema.js'
import type { Tx } from '../db/types.js'
import { authMetrics } from '../metrics.js'
import { recordAudit } from '../repositories/audit.js'
import {
  beginRefreshCall,
  endRefreshCall,
  interruptedRefreshCalls,
  recordRefreshAttempt,
} from '../repositories/refresh-attempts.js'
import { ProviderError, type ProviderName, type ProviderRegistry } from './providers/provider.js'
import { openToken, sealTokens } from './sealed-tokens.js'
import { refreshAllowedAt, refreshBackoffMs, tokenTiming } from './token-timing.js'
import { type Vault, VaultError } from './vault.js'

/**
 * What started a refresh (recorded with each attempt): `access_token` a token handed out that was
 * due (rows written before this name say `lease`), `force` a caller's `forceRefresh`, `scheduler`,
 * `manual` (admin).
 */
export type RefreshTrigger = 'access_token' | 'force' | 'scheduler' | 'manual'

/** Result of a refresh of a locked row. */
export type RefreshOutcome =
  | { outcome: 'refreshed'; row: ConnectionRow }
  | { outcome: 'reauth_required'; row: ConnectionRow; reason: string }
  /** The provider failed transiently (5xx, timeout, rate limit) after the retries: the row stays `active`. */
  | { outcome: 'transient_failure'; row: ConnectionRow; errorCode: string }
  /** The provider refused for a reason that is not the grant (e.g. `invalid_client`): the row stays `active`. */
  | { outcome: 'failed'; row: ConnectionRow; errorCode: string }
  /**
   * The refresh token is sealed under a key TOKEN_ENCRYPTION_KEYS no longer holds: nothing was sent
   * to TikTok; recorded as `failed` / `token_key_unavailable` and rescheduled with backoff.
   */
  | { outcome: 'key_unavailable'; row: ConnectionRow; errorCode: 'token_key_unavailable' }

/** Options of {@link createRefresher}. */
export interface RefresherOptions {
  providers: ProviderRegistry
  vault: Vault
  outbox: Outbox
  /**
   * Where calls to the token endpoint are journaled before they are sent (`beginRefreshCall`): a
   * pool of its own (1 connection, closed after 60 s idle), never the one whose connection the caller's transaction holds.
   */
  journal: Database
  /** REFRESH_MARGIN_SEC. */
  marginSec: number
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
  sleep?: (ms: number) => Promise<void>
}

/** Refreshes one connection whose row the caller has locked (`FOR UPDATE`) in `tx`. */
export interface Refresher {
  /**
   * Refreshes through the row's provider adapter (TikTok `grant_type=refresh_token`,
   * docs/tiktok-api.md §1.4b; TikTok Shop `GET /api/v2/token/refresh`, docs/tiktok-shop-api.md §2)
   * with the stored refresh token and writes the returned refresh token, the new access token and
   * expiries in `tx`, with the attempt, the audit entry and the event (`social.connection.refreshed`
   * or `…reauth_required`). Transient failures (ProviderError `transient`) are retried after each
   * of `retryDelaysMs`, then recorded with the connection left `active` and rescheduled with
   * backoff; a dead grant (ProviderError `grant_dead`: TikTok `invalid_grant`, TikTok Shop
   * `36004005`), or a refresh token past its stored expiry, marks `reauth_required`;
   * a refresh token whose key is not configured gives `key_unavailable` (logged, without a token).
   * Each call is journaled `in_flight` and committed before it is sent; a call an earlier refresh
   * left `in_flight` (its process died or its transaction failed after sending it) is marked
   * `interrupted`, and if TikTok then refuses the stored refresh token (it rotated it on that
   * lost call) the reason is `refresh_interrupted`, not `invalid_grant` (auth-service README,
   * "Interrupted refreshes").
   * Never throws for a provider or key failure (only for database errors).
   */
  refreshLocked(
    tx: Tx,
    row: ConnectionRow,
    opts: { trigger: RefreshTrigger; retryDelaysMs: number[] },
  ): Promise<RefreshOutcome>
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Builds the refresher. */
export function createRefresher(opts: RefresherOptions): Refresher {
  const sleep = opts.sleep ?? defaultSleep

  const recordAttempt = (
    tx: Tx,
    row: ConnectionRow,
    trigger: string,
    outcome: 'refreshed' | 'transient_failure' | 'failed' | 'reauth_required',
    errorCode: string | null,
    calls: number,
  ) => {
    authMetrics.refreshes.inc({ outcome, trigger })
    return recordRefreshAttempt(tx, { connectionId: row.id, trigger, outcome, errorCode, tiktokCalls: calls })
  }

  async function markReauth(tx: Tx, row: ConnectionRow, trigger: string, reason: string, calls: number) {
    const [updated] = await tx
      .update(connections)
      .set({
        status: 'reauth_required',
        accessTokenSealed: null,
        refreshTokenSealed: null,
        tokenKeyId: null,
        nextRefreshAt: null,
        tokenVersion: sql`${connections.tokenVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(connections.id, row.id))
      .returning()
    await recordAttempt(tx, row, trigger, 'reauth_required', reason, calls)
    authMetrics.transitions.inc({ status: 'reauth_required' })
    await recordAudit(tx, {
      tenantId: row.tenantId,
      connectionId: row.id,
      actor: { kind: 'system' },
      action: 'connection.reauth_required',
      details: { reason },
    })
    await opts.outbox.enqueue(tx, {
      subject: Subjects.connectionReauthRequired,
      aggregateId: row.id,
      tenantId: row.tenantId,
      data: {
        connectionId: row.id,
        provider: row.provider as ProviderName,
        reason,
      },
    })
    return { outcome: 'reauth_required' as const, row: updated!, reason }
  }

  /** Keeps the row `active`, counts the failure and reschedules it with backoff. */
  async function reschedule(tx: Tx, row: ConnectionRow) {
    const failures = row.refreshFailures + 1
    const [updated] = await tx
      .update(connections)
      .set({
        refreshFailures: failures,
        nextRefreshAt: new Date(Date.now() + refreshBackoffMs(failures)),
        updatedAt: new Date(),
      })
      .where(eq(connections.id, row.id))
      .returning()
    return updated!
  }

  async function markFailure(tx: Tx, row: ConnectionRow, trigger: string, err: ProviderError, calls: number) {
    const updated = await reschedule(tx, row)
    const transient = err.kind === 'transient'
    const errorCode = err.errorCode
    await recordAttempt(tx, row, trigger, transient ? 'transient_failure' : 'failed', errorCode, calls)
    opts.log?.warn(
      { connectionId: row.id, errorCode, category: err.detail.category, failures: updated.refreshFailures },
      'token refresh failed; connection stays active',
    )
    return {
      outcome: transient ? ('transient_failure' as const) : ('failed' as const),
      row: updated,
      errorCode,
    }
  }

  async function markKeyUnavailable(tx: Tx, row: ConnectionRow, trigger: string, err: VaultError) {
    const updated = await reschedule(tx, row)
    const errorCode = 'token_key_unavailable' as const
    await recordAttempt(tx, row, trigger, 'failed', errorCode, 0)
    opts.log?.error(
      { connectionId: row.id, tokenKeyId: row.tokenKeyId, err: { message: err.message } },
      'refresh token cannot be opened: its encryption key is not configured',
    )
    return { outcome: 'key_unavailable' as const, row: updated, errorCode }
  }

  return {
    async refreshLocked(tx, row, { trigger, retryDelaysMs }) {
      const now = new Date()
      if (!row.refreshTokenSealed || (row.refreshTokenExpiresAt && row.refreshTokenExpiresAt <= now)) {
        return markReauth(tx, row, trigger, 'refresh_token_expired', 0)
      }
      let refreshToken: string
      try {
        refreshToken = openToken(opts.vault, row, 'refresh', row.refreshTokenSealed)
      } catch (err) {
        if (err instanceof VaultError) return markKeyUnavailable(tx, row, trigger, err)
        throw err
      }
      const adapter = opts.providers.get(row.provider as ProviderName)
      // A provider with a minimum token age (Instagram: 24 h) refuses an earlier refresh: it is not
      // sent, the token stays as it is. A forced refresh (the token was reported invalid) is sent
      // anyway, so a dead token is found out (docs/instagram-api.md "Connect").
      const allowedAt = refreshAllowedAt(row, adapter?.refreshWindow)
      if (allowedAt && now < allowedAt && trigger !== 'force') {
        await recordAttempt(tx, row, trigger, 'failed', 'refresh_not_allowed_yet', 0)
        return { outcome: 'failed', row, errorCode: 'refresh_not_allowed_yet' }
      }
      let calls = 0
      const interrupted = await interruptedRefreshCalls(tx, row.id)
      if (interrupted.length > 0) {
        authMetrics.refreshes.inc({ outcome: 'interrupted', trigger }, interrupted.length)
        opts.log?.warn(
          { connectionId: row.id, interrupted: interrupted.length },
          'an earlier refresh call of this connection never committed its outcome',
        )
      }
      let own: number | undefined
      for (let attempt = 0; ; attempt++) {
        try {
          calls++
          if (!adapter)
            throw new ProviderError('failed', 'provider_not_configured', { provider: row.provider })
          if (own === undefined) own = await beginRefreshCall(opts.journal, { connectionId: row.id, trigger })
          const tokens = await adapter.refresh(refreshToken)
          const at = new Date()
          const timing = tokenTiming(
            at,
            tokens.expiresInSec,
            tokens.refreshExpiresInSec,
            opts.marginSec,
            adapter.refreshWindow,
          )
          const sealed = sealTokens(opts.vault, row, tokens.accessToken, tokens.refreshToken || refreshToken)
          // one round trip: postgres.js pipelines the statements of a transaction issued together
          const [[updated]] = await Promise.all([
            tx
              .update(connections)
              .set({
                ...sealed,
                ...timing,
                scopes: tokens.scopes.length > 0 ? tokens.scopes : row.scopes,
                refreshFailures: 0,
                lastRefreshedAt: at,
                tokenVersion: sql`${connections.tokenVersion} + 1`,
                updatedAt: at,
              })
              .where(eq(connections.id, row.id))
              .returning(),
            endRefreshCall(tx, own, interrupted),
            recordAttempt(tx, row, trigger, 'refreshed', null, calls),
            recordAudit(tx, {
              tenantId: row.tenantId,
              connectionId: row.id,
              actor: { kind: 'system' },
              action: 'connection.refreshed',
              details: { trigger },
            }),
            opts.outbox.enqueue(tx, {
              subject: Subjects.connectionRefreshed,
              aggregateId: row.id,
              tenantId: row.tenantId,
              data: {
                connectionId: row.id,
                provider: row.provider as ProviderName,
                accessTokenExpiresAt: timing.accessTokenExpiresAt.toISOString(),
                refreshTokenExpiresAt: timing.refreshTokenExpiresAt.toISOString(),
              },
            }),
          ])
          return { outcome: 'refreshed', row: updated! }
        } catch (err) {
          if (!(err instanceof ProviderError)) throw err
          const done = err.kind !== 'transient' || retryDelaysMs[attempt] === undefined
          if (done) await endRefreshCall(tx, own, interrupted)
          if (err.kind === 'grant_dead') {
            // TikTok refused the stored refresh token: if an earlier call was lost, it rotated it then.
            const reason = interrupted.length > 0 ? 'refresh_interrupted' : err.errorCode
            return markReauth(tx, row, trigger, reason, calls)
          }
          const delay = retryDelaysMs[attempt]
          if (err.kind !== 'transient' || delay === undefined)
            return markFailure(tx, row, trigger, err, calls)
          await sleep(delay)
        }
      }
    },
  }
}
