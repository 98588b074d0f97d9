import { randomUUID } from 'node:crypto'
import type { WebhookEndpoint } from '@social-bridge/contracts'
import type { Database, Vault } from '@social-bridge/service-kit'
import { and, desc, eq, sql } from 'drizzle-orm'
import { type EndpointRow, endpoints } from '../db/schema.js'
import { generateSigningSecret } from '../domain/signature.js'

/** The fields a CRM admin sets on an endpoint. */
export interface EndpointInput {
  url: string
  events: string[]
  description?: string | null
}

/** An endpoint and its signing secret in clear: only right after creation or rotation. */
export interface WithSecret {
  endpoint: EndpointRow
  secret: string
}

/** Data access of `dispatch.endpoints`; every query is scoped by tenant except the workers'. */
export interface EndpointsRepository {
  create(tenantId: string, input: EndpointInput): Promise<WithSecret>
  /** The tenant's endpoints, newest first, `limit` per page from `cursor` (an endpoint id). */
  list(tenantId: string, opts: { cursor?: string; limit: number }): Promise<EndpointRow[]>
  get(tenantId: string, id: string): Promise<EndpointRow | null>
  /** Applies `patch`; `disabled: true` disables with reason `user`, `false` re-enables and clears it. */
  update(
    tenantId: string,
    id: string,
    patch: Partial<EndpointInput> & { disabled?: boolean },
  ): Promise<EndpointRow | null>
  remove(tenantId: string, id: string): Promise<boolean>
  /** A new secret; the old one keeps signing for `overlapSec` (deliveries carry both signatures). */
  rotate(tenantId: string, id: string): Promise<WithSecret | null>
  /** The secrets a delivery is signed with at `now`: the current one, and the previous within the overlap. */
  signingSecrets(row: EndpointRow, now: Date): string[]
}

/** Most signing secrets kept opened in memory (a few per endpoint being delivered to). */
const OPENED_SECRETS_MAX = 10_000

/** The associated data binding a sealed secret to its endpoint row. */
const aad = (id: string) => `webhook-endpoint|${id}`

/** The public shape of an endpoint (contracts `WebhookEndpoint`): never its secret. */
export function endpointDto(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    disabled: row.disabledAt !== null,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** Builds the repository; secrets are sealed with `vault` (service-kit, AES-256-GCM). */
export function createEndpointsRepository(deps: {
  db: Database
  vault: Vault
  overlapSec: number
}): EndpointsRepository {
  const { db, vault } = deps
  const seal = (id: string, secret: string) => {
    const s = vault.seal(secret, aad(id))
    return { secretKeyId: s.keyId, secretSealed: s.blob.toString('base64') }
  }
  // every delivery is signed: keep opened secrets (in memory only) rather than decrypt per attempt;
  // a rotation changes the sealed text, hence the key
  const opened = new Map<string, string>()
  const open = (id: string, keyId: string, blob: string) => {
    const key = `${id}|${keyId}|${blob}`
    let secret = opened.get(key)
    if (secret === undefined) {
      secret = vault.open({ keyId, blob: Buffer.from(blob, 'base64') }, aad(id))
      if (opened.size >= OPENED_SECRETS_MAX) opened.clear()
      opened.set(key, secret)
    }
    return secret
  }
  const scoped = (tenantId: string, id: string) => and(eq(endpoints.tenantId, tenantId), eq(endpoints.id, id))

  return {
    async create(tenantId, input) {
      const id = randomUUID()
      const secret = generateSigningSecret()
      const [row] = await db
        .insert(endpoints)
        .values({
          id,
          tenantId,
          url: input.url,
          events: input.events,
          description: input.description ?? null,
          ...seal(id, secret),
        })
        .returning()
      return { endpoint: row as EndpointRow, secret }
    },
    list(tenantId, { cursor, limit }) {
      const after = cursor
        ? sql`(${endpoints.createdAt}, ${endpoints.id}) < (select created_at, id from ${endpoints} where id = ${cursor})`
        : undefined
      return db
        .select()
        .from(endpoints)
        .where(and(eq(endpoints.tenantId, tenantId), after))
        .orderBy(desc(endpoints.createdAt), desc(endpoints.id))
        .limit(limit)
    },
    async get(tenantId, id) {
      const [row] = await db.select().from(endpoints).where(scoped(tenantId, id))
      return row ?? null
    },
    async update(tenantId, id, patch) {
      const { disabled, ...fields } = patch
      const state =
        disabled === undefined
          ? {}
          : disabled
            ? { disabledAt: new Date(), disabledReason: 'user' }
            : { disabledAt: null, disabledReason: null, failingSince: null }
      const [row] = await db
        .update(endpoints)
        .set({ ...fields, ...state, updatedAt: new Date() })
        .where(scoped(tenantId, id))
        .returning()
      return row ?? null
    },
    async remove(tenantId, id) {
      const rows = await db.delete(endpoints).where(scoped(tenantId, id)).returning({ id: endpoints.id })
      return rows.length > 0
    },
    async rotate(tenantId, id) {
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(endpoints).where(scoped(tenantId, id)).for('update')
        if (!row) return null
        const secret = generateSigningSecret()
        const [next] = await tx
          .update(endpoints)
          .set({
            ...seal(id, secret),
            previousSecretKeyId: row.secretKeyId,
            previousSecretSealed: row.secretSealed,
            previousSecretExpiresAt: new Date(Date.now() + deps.overlapSec * 1000),
            updatedAt: new Date(),
          })
          .where(eq(endpoints.id, id))
          .returning()
        return { endpoint: next as EndpointRow, secret }
      })
    },
    signingSecrets(row, now) {
      const secrets = [open(row.id, row.secretKeyId, row.secretSealed)]
      if (
        row.previousSecretSealed &&
        row.previousSecretKeyId &&
        row.previousSecretExpiresAt &&
        row.previousSecretExpiresAt > now
      )
        secrets.push(open(row.id, row.previousSecretKeyId, row.previousSecretSealed))
      return secrets
    },
  }
}
