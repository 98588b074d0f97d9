import { pathToFileURL } from 'node:url'
import { type Database, loadConfigOrExit } from '@social-bridge/service-kit'
import { and, eq, isNotNull, ne } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { Type } from 'typebox'
import { AuthConfig } from '../config.js'
import { connections, oauthStates } from '../db/schema.js'
import { openToken, sealTokens } from '../domain/sealed-tokens.js'
import { createVault, type Vault } from '../domain/vault.js'

/** Rows rewritten by {@link reencryptAll}. */
export interface ReencryptResult {
  connections: number
  oauthStates: number
}

/**
 * Rewrites every sealed value (access/refresh tokens, PKCE verifiers) that is not under the
 * vault's active key, `batchSize` rows per transaction (`FOR UPDATE SKIP LOCKED`, so it can run
 * beside live replicas and a refresh holding a row simply waits for the next batch). Once it
 * returns, keys other than the active one can be removed from TOKEN_ENCRYPTION_KEYS.
 * @throws VaultError when a row's key is no longer configured (nothing after it is lost: rerun).
 */
export async function reencryptAll(opts: {
  db: Database
  vault: Vault
  batchSize?: number
}): Promise<ReencryptResult> {
  const { db, vault } = opts
  const batchSize = opts.batchSize ?? 500
  const result: ReencryptResult = { connections: 0, oauthStates: 0 }
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(connections)
        .where(and(isNotNull(connections.tokenKeyId), ne(connections.tokenKeyId, vault.activeKeyId)))
        .limit(batchSize)
        .for('update', { skipLocked: true })
      for (const row of rows) {
        const access = openToken(vault, row, 'access', row.accessTokenSealed!)
        const refresh = openToken(vault, row, 'refresh', row.refreshTokenSealed!)
        await tx
          .update(connections)
          .set(sealTokens(vault, row, access, refresh))
          .where(eq(connections.id, row.id))
      }
      return rows.length
    })
    result.connections += n
    if (n < batchSize) break
  }
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(oauthStates)
        .where(ne(oauthStates.keyId, vault.activeKeyId))
        .limit(batchSize)
        .for('update', { skipLocked: true })
      for (const row of rows) {
        const aad = `oauth_state|${row.stateHash}`
        const verifier = vault.open({ keyId: row.keyId, blob: row.codeVerifierSealed }, aad)
        const sealed = vault.seal(verifier, aad)
        await tx
          .update(oauthStates)
          .set({ codeVerifierSealed: sealed.blob, keyId: sealed.keyId })
          .where(eq(oauthStates.stateHash, row.stateHash))
      }
      return rows.length
    })
    result.oauthStates += n
    if (n < batchSize) break
  }
  return result
}

const CommandConfig = Type.Object({
  DATABASE_URL: AuthConfig.properties.DATABASE_URL,
  TOKEN_ENCRYPTION_KEYS: AuthConfig.properties.TOKEN_ENCRYPTION_KEYS,
  TOKEN_ENCRYPTION_ACTIVE_KEY_ID: AuthConfig.properties.TOKEN_ENCRYPTION_ACTIVE_KEY_ID,
})

/** `pnpm exec tsx src/commands/reencrypt.ts` with DATABASE_URL and the TOKEN_ENCRYPTION_* variables. */
async function main() {
  const config = loadConfigOrExit(CommandConfig)
  const vault = createVault({
    keys: config.TOKEN_ENCRYPTION_KEYS,
    activeKeyId: config.TOKEN_ENCRYPTION_ACTIVE_KEY_ID,
  })
  const sql = postgres(config.DATABASE_URL, { max: 2, onnotice: () => {} })
  try {
    const result = await reencryptAll({ db: drizzle(sql) as Database, vault })
    process.stdout.write(`re-encrypted under ${vault.activeKeyId}: ${JSON.stringify(result)}\n`)
  } finally {
    await sql.end({ timeout: 5 })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main()
}
