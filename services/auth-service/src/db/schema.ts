import { outboxTable } from '@social-bridge/service-kit'
import { sql } from 'drizzle-orm'
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'

/** PostgreSQL schema owned by auth-service (ARCHITECTURE.md "Data ownership"). */
export const auth = pgSchema('auth')

/** `bytea` as a Node Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' })

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * One connected TikTok account per (tenant, provider, open_id). Tokens are sealed by the vault
 * (`iv ‖ tag ‖ ciphertext`, AES-256-GCM) under `token_key_id`; they are null once the connection
 * is disconnected, revoked or needs re-authorisation. `token_version` grows on every token write.
 */
export const connections = auth.table(
  'connections',
  {
    id: uuid('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    provider: text('provider').notNull().default('tiktok'),
    openId: text('open_id').notNull(),
    displayName: text('display_name'),
    avatarUrl: text('avatar_url'),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    status: text('status').notNull().default('active'),
    accessTokenSealed: bytea('access_token_sealed'),
    refreshTokenSealed: bytea('refresh_token_sealed'),
    tokenKeyId: text('token_key_id'),
    tokenVersion: integer('token_version').notNull().default(1),
    /** When the current access token was issued (code exchange or refresh); null on rows older than the column. */
    accessTokenIssuedAt: ts('access_token_issued_at'),
    /** From `expires_in` at issue time. */
    accessTokenExpiresAt: ts('access_token_expires_at'),
    /** From `refresh_expires_in` at issue time. */
    refreshTokenExpiresAt: ts('refresh_token_expires_at'),
    /**
     * When the scheduler (or an access-token request) should refresh: ahead of expiry by the
     * margin, or later after a failed refresh (backoff), possibly past the expiry: access-token
     * requests also check the expiry itself.
     */
    nextRefreshAt: ts('next_refresh_at'),
    /** Consecutive transient refresh failures (for the scheduler's backoff). */
    refreshFailures: integer('refresh_failures').notNull().default(0),
    lastRefreshedAt: ts('last_refreshed_at'),
    /**
     * When the user last granted access (the code exchange of a connect or reconnect). An
     * `authorization.removed` created before it is about an earlier grant; null on older rows.
     */
    authorizedAt: ts('authorized_at'),
    connectedBy: text('connected_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('connections_tenant_provider_open_id_uq').on(t.tenantId, t.provider, t.openId),
    index('connections_open_id_idx').on(t.provider, t.openId),
    index('connections_due_idx').on(t.nextRefreshAt).where(sql`${t.status} = 'active'`),
  ],
)

/**
 * Pending OAuth authorize requests. Only the SHA-256 of the state is stored; the PKCE verifier is
 * sealed (aad = state hash). Single use (`used_at`), 10 minutes (`expires_at`).
 */
export const oauthStates = auth.table('oauth_states', {
  stateHash: text('state_hash').primaryKey(),
  tenantId: text('tenant_id').notNull(),
  userId: text('user_id').notNull(),
  returnUrl: text('return_url').notNull(),
  codeVerifierSealed: bytea('code_verifier_sealed').notNull(),
  keyId: text('key_id').notNull(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
})

/** Every refresh outcome: `refreshed`, `already_fresh`, `transient_failure`, `failed`, `reauth_required`. */
export const refreshAttempts = auth.table(
  'refresh_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    connectionId: uuid('connection_id').notNull(),
    trigger: text('trigger').notNull(),
    outcome: text('outcome').notNull(),
    /** TikTok's error code or the client's error code; never a token. */
    errorCode: text('error_code'),
    tiktokCalls: integer('tiktok_calls').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('refresh_attempts_connection_idx').on(t.connectionId, t.createdAt)],
)

/** Lifecycle audit: who (CRM user id, `tiktok` or `system`) did what to which connection, when. */
export const auditLog = auth.table(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id').notNull(),
    connectionId: uuid('connection_id'),
    actorKind: text('actor_kind').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_connection_idx').on(t.connectionId, t.createdAt)],
)

/** Transactional outbox (service-kit `createOutbox`): events committed with their effect; aggregate = connection id. */
export const outbox = outboxTable(auth)

export type ConnectionRow = typeof connections.$inferSelect
export type OAuthStateRow = typeof oauthStates.$inferSelect
