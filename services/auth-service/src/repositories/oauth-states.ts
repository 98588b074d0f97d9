import { createHash, randomBytes } from 'node:crypto'
import type { Database } from '@social-bridge/service-kit'
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm'
import { type OAuthStateRow, oauthStates } from '../db/schema.js'
import type { Vault } from '../domain/vault.js'

/** States live 10 minutes (ARCHITECTURE.md connect flow). */
export const STATE_TTL_MS = 10 * 60_000

/** SHA-256 (hex) of a state: the only form stored server-side. */
export const hashState = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex')

/** A consumed state: who started it, where to return, and the PKCE verifier. */
export interface ConsumedState {
  row: OAuthStateRow
  codeVerifier: string
}

/** Why a state was refused (logged, and shown as `details.reason`; never the state itself). */
/** `other_provider`: the state was issued for another provider's callback. */
export type StateRejection = 'missing' | 'unknown' | 'expired' | 'reused' | 'other_user' | 'other_provider'

/** Server-side OAuth states: CSPRNG, stored hashed, single use, 10 minutes, bound to tenant and user. */
export interface OAuthStateStore {
  /** Creates a state (32 random bytes, base64url) with the sealed PKCE verifier. */
  create(input: { tenantId: string; userId: string; returnUrl: string; codeVerifier: string }): Promise<{
    state: string
    stateHash: string
    expiresAt: Date
  }>
  /**
   * Consumes a state atomically when it is unused, unexpired and bound to `tenantId`/`userId`.
   * @returns the state, or the reason it was refused.
   */
  consume(
    stateHash: string,
    binding: { tenantId: string; userId: string },
  ): Promise<ConsumedState | { rejected: StateRejection }>
}

const aad = (stateHash: string) => `oauth_state|${stateHash}`

/** Builds the store. */
export function createOAuthStateStore({ db, vault }: { db: Database; vault: Vault }): OAuthStateStore {
  return {
    async create({ tenantId, userId, returnUrl, codeVerifier }) {
      const state = randomBytes(32).toString('base64url')
      const stateHash = hashState(state)
      const sealed = vault.seal(codeVerifier, aad(stateHash))
      const expiresAt = new Date(Date.now() + STATE_TTL_MS)
      await db.delete(oauthStates).where(lt(oauthStates.expiresAt, sql`now() - interval '1 day'`))
      await db.insert(oauthStates).values({
        stateHash,
        tenantId,
        userId,
        returnUrl,
        codeVerifierSealed: sealed.blob,
        keyId: sealed.keyId,
        expiresAt,
      })
      return { state, stateHash, expiresAt }
    },
    async consume(stateHash, { tenantId, userId }) {
      const now = new Date()
      const [row] = await db
        .update(oauthStates)
        .set({ usedAt: now })
        .where(
          and(
            eq(oauthStates.stateHash, stateHash),
            isNull(oauthStates.usedAt),
            gt(oauthStates.expiresAt, now),
            eq(oauthStates.tenantId, tenantId),
            eq(oauthStates.userId, userId),
          ),
        )
        .returning()
      if (row) {
        const codeVerifier = vault.open({ keyId: row.keyId, blob: row.codeVerifierSealed }, aad(stateHash))
        return { row, codeVerifier }
      }
      const [seen] = await db.select().from(oauthStates).where(eq(oauthStates.stateHash, stateHash)).limit(1)
      if (!seen) return { rejected: 'unknown' }
      if (seen.tenantId !== tenantId || seen.userId !== userId) return { rejected: 'other_user' }
      if (seen.usedAt) return { rejected: 'reused' }
      return { rejected: 'expired' }
    },
  }
}
