import { randomUUID } from 'node:crypto'
import { type CallbackResult, type ErrorCode, ErrorCodes, Subjects } from '@social-bridge/contracts'
import { type Database, NotFoundError, type Outbox } from '@social-bridge/service-kit'
import { createPkcePair } from '@social-bridge/tiktok-client'
import { sql } from 'drizzle-orm'
import { connections } from '../db/schema.js'
import { authMetrics } from '../metrics.js'
import { recordAudit } from '../repositories/audit.js'
import { hashState, type OAuthStateStore, type StateRejection } from '../repositories/oauth-states.js'
import { type Grant, ProviderError, type ProviderName, type ProviderRegistry } from './providers/provider.js'
import { sealTokens } from './sealed-tokens.js'
import { tokenTiming } from './token-timing.js'
import type { Vault } from './vault.js'

/** What the state cookie binds: the CRM user who started connecting, which state, which provider. */
export interface StateBinding {
  tenantId: string
  userId: string
  stateHash: string
  provider: ProviderName
}

/** The provider's callback query (docs/tiktok-api.md §1.3, docs/tiktok-shop-api.md §1). */
export interface CallbackInput {
  code?: string
  scopes?: string
  state?: string
  error?: string
}

/** Callback outcome for the CRM, plus where to send the browser. */
export type CallbackOutcome =
  | { ok: true; result: CallbackResult; returnUrl: string }
  | { ok: false; rejected: StateRejection }

/** Options of {@link createConnectService}. */
export interface ConnectServiceOptions {
  db: Database
  providers: ProviderRegistry
  vault: Vault
  states: OAuthStateStore
  outbox: Outbox
  marginSec: number
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void }
}

/** The OAuth connect flow, the same for every provider (services/README.md "Providers"). */
export interface ConnectService {
  /**
   * Creates a state + PKCE pair and the provider's authorize URL (TikTok: hex S256 challenge,
   * docs/tiktok-api.md §1.2; TikTok Shop: `service_id` + state, docs/tiktok-shop-api.md §1).
   * @throws NotFoundError (404) when the provider is not configured.
   */
  start(input: { provider: ProviderName; tenantId: string; userId: string; returnUrl: string }): Promise<{
    authorizeUrl: string
    binding: StateBinding
    expiresAt: Date
  }>
  /**
   * Checks the state against the cookie binding (single use, same provider), then: a provider
   * `error` → `denied` (access_denied) or `failed`; else exchanges the code through the provider
   * adapter, runs its admission rules (an error code → `failed` with that code, nothing stored)
   * and upserts the connection on (tenant, provider, open_id) with its details.
   * @returns `{ ok: false }` when the state is refused (nothing stored).
   */
  complete(
    provider: ProviderName,
    binding: StateBinding | null,
    query: CallbackInput,
  ): Promise<CallbackOutcome>
}

/** Thrown inside the connect transaction to roll it back with the adapter's refusal. */
class Refused extends Error {
  constructor(readonly errorCode: ErrorCode) {
    super(errorCode)
  }
}

/** Builds the connect service. */
export function createConnectService(opts: ConnectServiceOptions): ConnectService {
  const adapterOf = (provider: ProviderName) => {
    const adapter = opts.providers.get(provider)
    if (!adapter) throw new NotFoundError('Provider')
    return adapter
  }

  /** Writes the connection, its details, the audit entry and the event in one transaction. */
  async function save(provider: ProviderName, state: { tenantId: string; userId: string }, grant: Grant) {
    const adapter = adapterOf(provider)
    const now = new Date()
    const owner = { tenantId: state.tenantId, provider, openId: grant.openId }
    const sealed = sealTokens(opts.vault, owner, grant.accessToken, grant.refreshToken)
    const timing = tokenTiming(
      now,
      grant.expiresInSec,
      grant.refreshExpiresInSec,
      opts.marginSec,
      adapter.refreshWindow,
    )
    return opts.db.transaction(async (tx) => {
      const refusal = await adapter.admit?.(tx, { tenantId: state.tenantId, userId: state.userId, grant })
      if (refusal) throw new Refused(refusal)
      const [saved] = await tx
        .insert(connections)
        .values({
          id: randomUUID(),
          ...owner,
          displayName: grant.displayName ?? null,
          avatarUrl: grant.avatarUrl ?? null,
          scopes: grant.scopes,
          status: 'active',
          accountDetails: grant.account ?? null,
          ...sealed,
          ...timing,
          lastRefreshedAt: null,
          authorizedAt: now,
          connectedBy: state.userId,
        })
        .onConflictDoUpdate({
          target: [connections.tenantId, connections.provider, connections.openId],
          set: {
            displayName: sql`coalesce(excluded.display_name, ${connections.displayName})`,
            avatarUrl: sql`coalesce(excluded.avatar_url, ${connections.avatarUrl})`,
            scopes: sql`excluded.scopes`,
            accountDetails: sql`excluded.account_details`,
            status: 'active',
            accessTokenSealed: sql`excluded.access_token_sealed`,
            refreshTokenSealed: sql`coalesce(excluded.refresh_token_sealed, ${connections.refreshTokenSealed})`,
            tokenKeyId: sql`excluded.token_key_id`,
            accessTokenIssuedAt: sql`excluded.access_token_issued_at`,
            accessTokenExpiresAt: sql`excluded.access_token_expires_at`,
            refreshTokenExpiresAt: sql`excluded.refresh_token_expires_at`,
            nextRefreshAt: sql`excluded.next_refresh_at`,
            refreshFailures: 0,
            tokenVersion: sql`${connections.tokenVersion} + 1`,
            authorizedAt: sql`excluded.authorized_at`,
            connectedBy: sql`excluded.connected_by`,
            updatedAt: now,
          },
        })
        .returning({ id: connections.id, inserted: sql<boolean>`(xmax = 0)` })
      const id = saved!.id
      const reconnected = !saved!.inserted
      await adapter.saveDetails?.(tx, { connectionId: id, tenantId: state.tenantId, grant })
      await recordAudit(tx, {
        tenantId: state.tenantId,
        connectionId: id,
        actor: { kind: 'user', id: state.userId },
        action: reconnected ? 'connection.reconnected' : 'connection.connected',
        details: { provider, openId: grant.openId, scopes: grant.scopes },
      })
      await opts.outbox.enqueue(tx, {
        subject: Subjects.connectionConnected,
        aggregateId: id,
        tenantId: state.tenantId,
        data: {
          connectionId: id,
          provider,
          openId: grant.openId,
          ...(grant.displayName ? { displayName: grant.displayName } : {}),
          scopes: grant.scopes,
          userId: state.userId,
          reconnected,
        },
      })
      return { id, reconnected }
    })
  }

  return {
    async start({ provider, tenantId, userId, returnUrl }) {
      const adapter = adapterOf(provider)
      const pkce = createPkcePair()
      const { state, stateHash, expiresAt } = await opts.states.create({
        tenantId,
        userId,
        returnUrl,
        codeVerifier: pkce.codeVerifier,
      })
      const authorizeUrl = adapter.authorizeUrl({ state, codeChallenge: pkce.codeChallenge })
      await recordAudit(opts.db, {
        tenantId,
        actor: { kind: 'user', id: userId },
        action: 'connect.started',
        details: { provider },
      })
      authMetrics.connects.inc({ outcome: 'started' })
      return { authorizeUrl, binding: { tenantId, userId, stateHash, provider }, expiresAt }
    },

    async complete(provider, binding, query) {
      if (!binding || !query.state) return { ok: false, rejected: 'missing' }
      const stateHash = hashState(query.state)
      if (stateHash !== binding.stateHash) return { ok: false, rejected: 'other_user' }
      if (binding.provider !== provider) return { ok: false, rejected: 'other_provider' }
      const adapter = adapterOf(provider)
      const consumed = await opts.states.consume(stateHash, binding)
      if ('rejected' in consumed) return { ok: false, rejected: consumed.rejected }
      const { row: state, codeVerifier } = consumed
      const finish = async (result: CallbackResult, details?: Record<string, unknown>) => {
        authMetrics.connects.inc({ outcome: result.outcome })
        if (result.outcome !== 'connected') {
          await recordAudit(opts.db, {
            tenantId: state.tenantId,
            actor: { kind: 'user', id: state.userId },
            action: `connect.${result.outcome}`,
            details: { provider, ...details },
          })
        }
        return { ok: true as const, result, returnUrl: state.returnUrl }
      }
      if (query.error) {
        const denied = query.error === 'access_denied'
        return finish(
          {
            outcome: denied ? 'denied' : 'failed',
            errorCode: denied ? ErrorCodes.OAUTH_DENIED : ErrorCodes.OAUTH_FAILED,
          },
          { providerError: query.error },
        )
      }
      if (!query.code)
        return finish({ outcome: 'failed', errorCode: ErrorCodes.OAUTH_FAILED }, { reason: 'no code' })

      let saved: { id: string; reconnected: boolean }
      try {
        const grant = await adapter.exchangeCode({
          code: query.code,
          codeVerifier,
          callbackScopes: (query.scopes ?? '').split(',').filter(Boolean),
        })
        saved = await save(provider, state, grant)
      } catch (err) {
        if (err instanceof Refused) return finish({ outcome: 'failed', errorCode: err.errorCode })
        if (!(err instanceof ProviderError)) throw err
        opts.log?.warn({ provider, err: err.detail }, 'code exchange failed')
        return finish(
          {
            outcome: 'failed',
            errorCode: err.kind === 'transient' ? ErrorCodes.TIKTOK_UNAVAILABLE : ErrorCodes.OAUTH_FAILED,
          },
          { providerError: err.errorCode },
        )
      }
      await opts.outbox
        .flush()
        .catch((err) => opts.log?.warn({ err }, 'outbox flush failed; relay will retry'))
      opts.log?.info(
        { provider, connectionId: saved.id, reconnected: saved.reconnected },
        'account connected',
      )
      return finish({ outcome: 'connected', connectionId: saved.id })
    },
  }
}
