import { randomUUID } from 'node:crypto'
import { type CallbackResult, ErrorCodes, Subjects } from '@social-bridge/contracts'
import type { Database, Outbox } from '@social-bridge/service-kit'
import { createPkcePair, type TikTokClient, TikTokError, type UserInfo } from '@social-bridge/tiktok-client'
import { sql } from 'drizzle-orm'
import { connections } from '../db/schema.js'
import { authMetrics } from '../metrics.js'
import { recordAudit } from '../repositories/audit.js'
import { hashState, type OAuthStateStore, type StateRejection } from '../repositories/oauth-states.js'
import { sealTokens } from './sealed-tokens.js'
import { tokenTiming } from './token-timing.js'
import type { Vault } from './vault.js'

/** What the state cookie binds: the CRM user who started connecting, and which state. */
export interface StateBinding {
  tenantId: string
  userId: string
  stateHash: string
}

/** TikTok's callback query (docs/tiktok-api.md §1.3). */
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
  tiktok: TikTokClient
  vault: Vault
  states: OAuthStateStore
  outbox: Outbox
  scopes: string[]
  marginSec: number
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void }
}

/** The OAuth connect flow (docs/tiktok-api.md §1.2–§1.4, §2.2). */
export interface ConnectService {
  /** Creates a state + PKCE pair and TikTok's authorize URL (hex S256 challenge, §1.2). */
  start(input: { tenantId: string; userId: string; returnUrl: string }): Promise<{
    authorizeUrl: string
    binding: StateBinding
    expiresAt: Date
  }>
  /**
   * Checks the state against the cookie binding (single use), then: TikTok `error` → `denied`
   * (access_denied) or `failed`; else exchanges the code (§1.4a), reads user info with the
   * granted scopes (§2.2) and upserts the connection on (tenant, provider, open_id).
   * @returns `{ ok: false }` when the state is refused (nothing stored).
   */
  complete(binding: StateBinding | null, query: CallbackInput): Promise<CallbackOutcome>
}

const PROFILE_FIELDS = ['open_id', 'display_name', 'avatar_url'] as const

/** Builds the connect service. */
export function createConnectService(opts: ConnectServiceOptions): ConnectService {
  async function readProfile(accessToken: string, scopes: string[]): Promise<UserInfo> {
    if (!scopes.includes('user.info.basic')) return {}
    try {
      return await opts.tiktok.display.getUserInfo(accessToken, PROFILE_FIELDS)
    } catch (err) {
      const e = err instanceof TikTokError ? err.toJSON() : { message: 'unknown error' }
      opts.log?.warn({ err: e }, 'user info unavailable; connecting without a profile')
      return {}
    }
  }

  return {
    async start({ tenantId, userId, returnUrl }) {
      const pkce = createPkcePair()
      const { state, stateHash, expiresAt } = await opts.states.create({
        tenantId,
        userId,
        returnUrl,
        codeVerifier: pkce.codeVerifier,
      })
      const authorizeUrl = opts.tiktok.oauth.buildAuthorizeUrl({
        scopes: opts.scopes,
        state,
        codeChallenge: pkce.codeChallenge,
      })
      await recordAudit(opts.db, {
        tenantId,
        actor: { kind: 'user', id: userId },
        action: 'connect.started',
      })
      authMetrics.connects.inc({ outcome: 'started' })
      return { authorizeUrl, binding: { tenantId, userId, stateHash }, expiresAt }
    },

    async complete(binding, query) {
      if (!binding || !query.state) return { ok: false, rejected: 'missing' }
      const stateHash = hashState(query.state)
      if (stateHash !== binding.stateHash) return { ok: false, rejected: 'other_user' }
      const consumed = await opts.states.consume(stateHash, binding)
      if ('rejected' in consumed) return { ok: false, rejected: consumed.rejected }
      const { row: state, codeVerifier } = consumed
      const actor = { kind: 'user' as const, id: state.userId }
      const finish = async (result: CallbackResult, details?: Record<string, unknown>) => {
        authMetrics.connects.inc({ outcome: result.outcome })
        if (result.outcome !== 'connected') {
          await recordAudit(opts.db, {
            tenantId: state.tenantId,
            actor,
            action: `connect.${result.outcome}`,
            details,
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
          { tiktokError: query.error },
        )
      }
      if (!query.code)
        return finish({ outcome: 'failed', errorCode: ErrorCodes.OAUTH_FAILED }, { reason: 'no code' })

      let tokens: Awaited<ReturnType<TikTokClient['oauth']['exchangeCode']>>
      try {
        tokens = await opts.tiktok.oauth.exchangeCode({ code: query.code, codeVerifier })
      } catch (err) {
        if (!(err instanceof TikTokError)) throw err
        const transient = err.category === 'retryable' || err.category === 'rate_limited'
        opts.log?.warn({ err: err.toJSON() }, 'code exchange failed')
        return finish(
          {
            outcome: 'failed',
            errorCode: transient ? ErrorCodes.TIKTOK_UNAVAILABLE : ErrorCodes.OAUTH_FAILED,
          },
          { tiktokError: err.tiktokCode ?? err.code },
        )
      }
      const scopes =
        tokens.scopes.length > 0 ? tokens.scopes : (query.scopes ?? '').split(',').filter(Boolean)
      const profile = await readProfile(tokens.accessToken, scopes)
      const now = new Date()
      const owner = { tenantId: state.tenantId, provider: 'tiktok', openId: tokens.openId }
      const sealed = sealTokens(opts.vault, owner, tokens.accessToken, tokens.refreshToken)
      const timing = tokenTiming(now, tokens.expiresInSec, tokens.refreshExpiresInSec, opts.marginSec)

      const { id, reconnected } = await opts.db.transaction(async (tx) => {
        const [saved] = await tx
          .insert(connections)
          .values({
            id: randomUUID(),
            ...owner,
            displayName: profile.displayName ?? null,
            avatarUrl: profile.avatarUrl ?? null,
            scopes,
            status: 'active',
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
        const reconnected = !saved!.inserted
        await recordAudit(tx, {
          tenantId: state.tenantId,
          connectionId: saved!.id,
          actor,
          action: reconnected ? 'connection.reconnected' : 'connection.connected',
          details: { openId: tokens.openId, scopes },
        })
        await opts.outbox.enqueue(tx, {
          subject: Subjects.connectionConnected,
          aggregateId: saved!.id,
          tenantId: state.tenantId,
          data: {
            connectionId: saved!.id,
            provider: 'tiktok',
            openId: tokens.openId,
            ...(profile.displayName ? { displayName: profile.displayName } : {}),
            scopes,
            userId: state.userId,
            reconnected,
          },
        })
        return { id: saved!.id, reconnected }
      })
      await opts.outbox
        .flush()
        .catch((err) => opts.log?.warn({ err }, 'outbox flush failed; relay will retry'))
      opts.log?.info({ connectionId: id, reconnected }, 'tiktok account connected')
      return finish({ outcome: 'connected', connectionId: id })
    },
  }
}
