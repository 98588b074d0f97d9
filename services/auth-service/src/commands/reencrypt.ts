import { pathToFileURL } from 'node:url'
import { type Database, loadConfigOrExit } from '@social-bridge/service-kit'
import { and, count, eq, getTableColumns, inArray, isNotNull, ne, notInArray, sql } from 'drizzle-orm'
import type { PgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { Type } from 'typebox'
import { AuthConfig } from '../config.js'
import { connections, oauthStates } from '../db/schema.js'
import type { Tx } from '../db/types.js'
import { openToken, sealTokens } from '../domain/sealed-tokens.js'
import { createVault, type Vault, VaultError } from '../domain/vault.js'

/** Rows rewritten by {@link reencryptAll}, and rows it had to leave under another key. */
export interface ReencryptResult {
  connections: number
  oauthStates: number
  /**
   * Rows still sealed under a key other than the active one when it returned: held by another
   * transaction past `lockWaitMs`, sealed under a key TOKEN_ENCRYPTION_KEYS no longer holds, or
   * failing authentication. Both 0 means every other key can be retired.
   */
  remaining: { connections: number; oauthStates: number }
}

/** Options of {@link reencryptAll}. */
export interface ReencryptOptions {
  db: Database
  vault: Vault
  /** Rows per transaction. Default 500. */
  batchSize?: number
  /** How long to wait for one row another transaction holds (a refresh), ms. Default 10,000. */
  lockWaitMs?: number
}

/** One batch: how many rows it locked and how many of them it rewrote. */
type Batch = (tx: Tx, lock: { skipLocked: boolean }) => Promise<{ locked: number; rewritten: number }>

const LOCK_NOT_AVAILABLE = '55P03'
const pgCode = (err: unknown): unknown =>
  (err as { code?: unknown })?.code ?? (err as { cause?: { code?: unknown } })?.cause?.code

/**
 * Runs `batch` until no row is left: first skipping rows other transactions hold (live replicas
 * keep working), then waiting for those, each lock at most `lockWaitMs` (`lock_timeout`).
 * @returns rows rewritten; stops early (leaving rows) only when a lock wait times out.
 */
async function drain(db: Database, batch: Batch, lockWaitMs: number): Promise<number> {
  let rewritten = 0
  for (const skipLocked of [true, false]) {
    for (;;) {
      let n: { locked: number; rewritten: number }
      try {
        n = await db.transaction(async (tx) => {
          if (!skipLocked) await tx.execute(sql.raw(`set local lock_timeout = ${Math.ceil(lockWaitMs)}`))
          return batch(tx, { skipLocked })
        })
      } catch (err) {
        if (pgCode(err) === LOCK_NOT_AVAILABLE) return rewritten
        throw err
      }
      rewritten += n.rewritten
      if (n.locked === 0) break
    }
  }
  return rewritten
}

/** A column of table `T`, by its TypeScript name. */
type ColumnName<T extends PgTable> = keyof T['_']['columns'] & keyof T['$inferSelect'] & string

/**
 * A table of sealed values as {@link reencryptAll} rewrites it: the columns (TypeScript names)
 * naming each row's key and identifying the row, and how a row is re-sealed under the active key.
 */
interface SealedTable<T extends PgTable> {
  table: T
  keyId: ColumnName<T>
  id: ColumnName<T>
  /**
   * The row's sealed columns, re-sealed under the active key.
   * @throws VaultError when the row cannot be opened (key not configured, failing authentication).
   */
  reseal(row: T['$inferSelect']): PgUpdateSetSource<T>
}

/**
 * The {@link Batch} of one table: locks up to `batchSize` rows under `oldKeys` (but those in
 * `unreadable`) and rewrites each; a row it cannot open is added to `unreadable` and left as is.
 */
function rewriteBatch<T extends PgTable>(
  sealed: SealedTable<T>,
  opts: { oldKeys: string[]; batchSize: number; unreadable: Set<string> },
): Batch {
  const columns = getTableColumns(sealed.table) as Record<string, PgColumn>
  const [keyIdColumn, idColumn] = [columns[sealed.keyId]!, columns[sealed.id]!]
  const idOf = (row: T['$inferSelect']) => String(row[sealed.id])
  return async (tx, lock) => {
    const skip = [...opts.unreadable]
    const rows = (await tx
      .select()
      .from(sealed.table as PgTable)
      .where(and(inArray(keyIdColumn, opts.oldKeys), skip.length ? notInArray(idColumn, skip) : undefined))
      .limit(opts.batchSize)
      .for('update', lock.skipLocked ? { skipLocked: true } : undefined)) as T['$inferSelect'][]
    let rewritten = 0
    for (const row of rows) {
      let values: PgUpdateSetSource<T>
      try {
        values = sealed.reseal(row)
      } catch (err) {
        if (!(err instanceof VaultError)) throw err
        opts.unreadable.add(idOf(row))
        continue
      }
      await tx
        .update(sealed.table)
        .set(values)
        .where(eq(idColumn, idOf(row)))
      rewritten++
    }
    return { locked: rows.length, rewritten }
  }
}

/** The two tables with sealed values: connections (access and refresh tokens), OAuth states (PKCE verifiers). */
function sealedTables(vault: Vault) {
  const connectionTokens: SealedTable<typeof connections> = {
    table: connections,
    keyId: 'tokenKeyId',
    id: 'id',
    reseal(row) {
      const access = openToken(vault, row, 'access', row.accessTokenSealed!)
      const refresh = openToken(vault, row, 'refresh', row.refreshTokenSealed!)
      return sealTokens(vault, row, access, refresh)
    },
  }
  const stateVerifiers: SealedTable<typeof oauthStates> = {
    table: oauthStates,
    keyId: 'keyId',
    id: 'stateHash',
    reseal(row) {
      const aad = `oauth_state|${row.stateHash}`
      const sealed = vault.seal(vault.open({ keyId: row.keyId, blob: row.codeVerifierSealed }, aad), aad)
      return { codeVerifierSealed: sealed.blob, keyId: sealed.keyId }
    },
  }
  return { connections: connectionTokens, oauthStates: stateVerifiers }
}

/**
 * Rewrites every sealed value (access/refresh tokens, PKCE verifiers) that is under another
 * configured key than the vault's active one, `batchSize` rows per transaction, until none is
 * left (see `drain`). Rows it cannot open are skipped and counted in `remaining`, never fatal.
 * Once `remaining` is 0/0, keys other than the active one can be removed from TOKEN_ENCRYPTION_KEYS.
 */
export async function reencryptAll(opts: ReencryptOptions): Promise<ReencryptResult> {
  const { db, vault } = opts
  const batchSize = opts.batchSize ?? 500
  const lockWaitMs = opts.lockWaitMs ?? 10_000
  const oldKeys = vault.keyIds.filter((k) => k !== vault.activeKeyId)
  const result: ReencryptResult = {
    connections: 0,
    oauthStates: 0,
    remaining: { connections: 0, oauthStates: 0 },
  }
  if (oldKeys.length > 0) {
    const tables = sealedTables(vault)
    const batchOf = <T extends PgTable>(sealed: SealedTable<T>) =>
      rewriteBatch(sealed, { oldKeys, batchSize, unreadable: new Set<string>() })
    result.connections = await drain(db, batchOf(tables.connections), lockWaitMs)
    result.oauthStates = await drain(db, batchOf(tables.oauthStates), lockWaitMs)
  }
  result.remaining = await remainingUnderOtherKeys(db, vault.activeKeyId)
  return result
}

/** Rows sealed under any key but `activeKeyId`, configured or not. */
export async function remainingUnderOtherKeys(
  db: Database,
  activeKeyId: string,
): Promise<ReencryptResult['remaining']> {
  const [c] = await db
    .select({ n: count() })
    .from(connections)
    .where(and(isNotNull(connections.tokenKeyId), ne(connections.tokenKeyId, activeKeyId)))
  const [s] = await db.select({ n: count() }).from(oauthStates).where(ne(oauthStates.keyId, activeKeyId))
  return { connections: c?.n ?? 0, oauthStates: s?.n ?? 0 }
}

/** Distinct key ids sealed values are stored under, in both tables. */
async function keyIdsInUse(db: Database): Promise<string[]> {
  const rows = await db.execute<{ k: string }>(sql`select token_key_id as k from ${connections}
    where token_key_id is not null union select key_id from ${oauthStates}`)
  return [...rows].map((r) => r.k)
}

const CommandConfig = Type.Object({
  DATABASE_URL: AuthConfig.properties.DATABASE_URL,
  TOKEN_ENCRYPTION_KEYS: AuthConfig.properties.TOKEN_ENCRYPTION_KEYS,
  TOKEN_ENCRYPTION_ACTIVE_KEY_ID: AuthConfig.properties.TOKEN_ENCRYPTION_ACTIVE_KEY_ID,
})

/**
 * `pnpm exec tsx src/commands/reencrypt.ts` with DATABASE_URL and the TOKEN_ENCRYPTION_* variables.
 * Exits 0 when no row is left under another key, else 1 with how many remain (never a token).
 */
async function main() {
  const config = loadConfigOrExit(CommandConfig)
  const vault = createVault({
    keys: config.TOKEN_ENCRYPTION_KEYS,
    activeKeyId: config.TOKEN_ENCRYPTION_ACTIVE_KEY_ID,
  })
  const client = postgres(config.DATABASE_URL, { max: 2, onnotice: () => {} })
  const db = drizzle(client) as Database
  try {
    const result = await reencryptAll({ db, vault })
    process.stdout.write(`re-encrypted under ${vault.activeKeyId}: ${JSON.stringify(result)}\n`)
    const { connections: c, oauthStates: s } = result.remaining
    if (c + s > 0) {
      const missing = (await keyIdsInUse(db)).filter((k) => !vault.keyIds.includes(k))
      process.stderr.write(
        `NOT DONE: ${c} connection(s) and ${s} OAuth state(s) are still sealed under another key ` +
          (missing.length
            ? `(keys not in TOKEN_ENCRYPTION_KEYS: ${missing.join(', ')}; or rows locked past the wait); `
            : '(rows locked past the wait, or failing authentication); ') +
          'do not retire any key yet: fix and run again\n',
      )
      process.exitCode = 1
    }
  } finally {
    await client.end({ timeout: 5 })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main()
}
